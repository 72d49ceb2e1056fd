package dev.creditledger.postgres;

import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * One PostgreSQL cluster that holds the journals of the ledgers placed on it (ADR 0020): its name (fixed once its
 * database is stamped with it), the JDBC URL shown to operators (without credentials) and its connection pool.
 */
public record Cluster(String name, String url, DataSource dataSource) {
    /** The longest cluster name. */
    public static final int NAME_LENGTH_MAX = 32;
    /** The name of the one cluster of a service configured with no others. */
    public static final String DEFAULT_NAME = "main";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0," + (NAME_LENGTH_MAX - 1) + "}");

    public Cluster {
        Objects.requireNonNull(dataSource, "dataSource");
        requireValidName(name);
        url = withoutCredentials(url == null ? "" : url);
    }

    /** A cluster name has 1 to {@value #NAME_LENGTH_MAX} lower-case letters, digits, '-' or '_'. */
    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a cluster name has 1 to " + NAME_LENGTH_MAX
                    + " lower-case letters, digits, '-' or '_', starting with a letter or digit: '" + name + "'");
        }
        return name;
    }

    /** The URL without its {@code user} and {@code password} parameters (the pool keeps them; operators see this). */
    static String withoutCredentials(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return url;
        }
        var kept = new StringBuilder();
        for (var parameter : url.substring(query + 1).split("&")) {
            var key = parameter.split("=", 2)[0].toLowerCase(java.util.Locale.ROOT);
            if (!parameter.isEmpty() && !key.equals("user") && !key.equals("password")) {
                kept.append(kept.isEmpty() ? "" : "&").append(parameter);
            }
        }
        return url.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept);
    }
}
