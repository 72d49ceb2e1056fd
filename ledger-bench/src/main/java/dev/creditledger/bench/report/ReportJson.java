package dev.creditledger.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The report as one JSON document: the header (machine, Java, PostgreSQL, options), every run with all
 * its figures, details and checks, and the summary rows with their medians and ratios. Figures that
 * were not measured (NaN) are written as null, so the document is valid JSON.
 */
public final class ReportJson {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ReportJson() {}

    public static Map<String, Object> document(Map<String, Object> header, List<RunRecord> runs, List<Summary.Row> rows, boolean passed) {
        var doc = new LinkedHashMap<String, Object>(header);
        doc.put("checksPassed", passed);
        List<Object> runList = new ArrayList<>();
        for (var r : runs) {
            var run = new LinkedHashMap<String, Object>();
            run.put("workload", r.workload());
            run.put("side", r.side());
            run.put("repetition", r.repetition());
            run.put("loop", r.loop());
            run.put("unit", r.unit());
            run.put("settings", r.settings());
            run.put("figures", clean(r.figures()));
            run.put("details", r.details());
            run.put("checks", r.checks());
            run.put("passed", r.passed());
            runList.add(run);
        }
        doc.put("runs", runList);
        List<Object> summary = new ArrayList<>();
        for (var row : rows) {
            var s = new LinkedHashMap<String, Object>();
            s.put("workload", row.workload());
            s.put("figure", row.key());
            s.put("label", row.label());
            s.put("values", row.values().stream().map(ReportJson::clean).toList());
            s.put("median", clean(row.median()));
            s.put("baselineValues", row.baselineValues().stream().map(ReportJson::clean).toList());
            s.put("baselineMedian", clean(row.baselineMedian()));
            s.put("ratio", clean(row.ratio()));
            summary.add(s);
        }
        doc.put("summary", summary);
        return doc;
    }

    public static String write(Map<String, Object> document) {
        return JSON.writeValueAsString(document);
    }

    public static void write(Map<String, Object> document, Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, write(document) + "\n");
    }

    static Double clean(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    static Map<String, Double> clean(Map<String, Double> figures) {
        var out = new LinkedHashMap<String, Double>();
        figures.forEach((k, v) -> out.put(k, clean(v)));
        return out;
    }
}
