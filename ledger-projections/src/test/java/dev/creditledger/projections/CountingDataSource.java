package dev.creditledger.projections;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * TEST ONLY: a data source that counts the JDBC calls that each cost one round trip to PostgreSQL with
 * its driver (executing a statement, including a multi-statement pipeline, which the driver sends with
 * one Sync; commit; rollback; savepoints; setting the isolation level), and the SQL statements sent.
 * Opening a transaction costs nothing here: the driver sends BEGIN with the first statement.
 */
final class CountingDataSource implements DataSource {

    private static final Set<String> ROUND_TRIPS = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate",
            "executeBatch", "commit", "rollback", "setSavepoint", "releaseSavepoint", "setTransactionIsolation");

    private final DataSource delegate;
    private final List<String> calls = new ArrayList<>();
    private int statements;

    CountingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** The round-trip calls since the last reset, in order, with the number of statements of each execution. */
    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized int roundTrips() {
        return calls.size();
    }

    synchronized int statements() {
        return statements;
    }

    synchronized void reset() {
        calls.clear();
        statements = 0;
    }

    private synchronized void counted(String call, int statementsSent) {
        calls.add(statementsSent == 0 ? call : call + " (" + statementsSent + " statements)");
        statements += statementsSent;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return counting(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return counting(delegate.getConnection(username, password));
    }

    private Connection counting(Connection connection) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            var result = invoke(connection, method, args);
            if (ROUND_TRIPS.contains(method.getName())) {
                counted(method.getName(), 0);
            }
            if (result instanceof Statement statement && method.getName().startsWith("prepare")) {
                return counting(statement, statementsIn((String) args[0]));
            }
            if (result instanceof Statement statement) {
                return counting(statement, 1);
            }
            return result;
        });
    }

    private Statement counting(Statement statement, int statementsSent) {
        var interfaces = statement instanceof java.sql.CallableStatement ? new Class<?>[] {java.sql.CallableStatement.class}
                : statement instanceof java.sql.PreparedStatement ? new Class<?>[] {java.sql.PreparedStatement.class}
                : new Class<?>[] {Statement.class};
        InvocationHandler handler = (proxy, method, args) -> {
            var result = invoke(statement, method, args);
            if (ROUND_TRIPS.contains(method.getName())) {
                counted(method.getName(), statementsSent);
            }
            return result;
        };
        return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), interfaces, handler);
    }

    /** Statements of a pipeline are joined with ";\n" (see {@code Pipeline}). */
    private static int statementsIn(String sql) {
        return sql.split(";\n").length;
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
