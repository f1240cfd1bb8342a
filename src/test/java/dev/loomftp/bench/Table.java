package dev.loomftp.bench;

import dev.loomftp.bench.BenchServer.Kind;
import dev.loomftp.bench.ServerBenchmark.Measure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark's table in Markdown: a row a figure, a column a server, and loomftp's ratio to the
 * best peer, written so that above 1 always means loomftp is ahead (its throughput over the best,
 * or the best's time or memory over its own). A peer whose run had errors does not count as the
 * best: a server that refuses clients can look fast.
 */
final class Table {
    private Table() {}

    /** A row: its label, and the key of its figure in each server's measures. */
    record Row(String label, String key) {
    }

    static List<String> markdown(List<Kind> kinds, List<Row> rows, Map<Kind, Map<String, Measure>> measures) {
        List<String> lines = new ArrayList<>();
        StringBuilder head = new StringBuilder("| scenario |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Kind kind : kinds) {
            head.append(' ').append(kind.label).append(" |");
            rule.append("---|");
        }
        lines.add(head.append(" loomftp / best peer |").toString());
        lines.add(rule.append("---|").toString());
        for (Row row : rows) {
            if (kinds.stream().noneMatch(kind -> measures.get(kind).containsKey(row.key()))) {
                continue;
            }
            StringBuilder line = new StringBuilder("| ").append(row.label()).append(" |");
            for (Kind kind : kinds) {
                Measure measure = measures.get(kind).get(row.key());
                line.append(' ').append(measure == null ? "-" : cell(measure)).append(" |");
            }
            line.append(' ').append(ratio(kinds, row, measures).map(r -> String.format(Locale.ROOT, "%.2f", r))
                    .orElse("-")).append(" |");
            lines.add(line.toString());
        }
        return lines;
    }

    private static String cell(Measure measure) {
        return measure.errors() == 0 ? measure.text() : measure.text() + ", " + measure.errors() + " errors";
    }

    /** loomftp's figure against the best peer's, above 1 when loomftp is ahead. */
    static Optional<Double> ratio(List<Kind> kinds, Row row, Map<Kind, Map<String, Measure>> measures) {
        Measure loomftp = measures.getOrDefault(Kind.LOOMFTP, Map.of()).get(row.key());
        Optional<Measure> best = kinds.stream().filter(kind -> kind != Kind.LOOMFTP)
                .map(kind -> measures.get(kind).get(row.key()))
                .filter(measure -> measure != null && measure.errors() == 0 && measure.value() > 0)
                .reduce((a, b) -> a.higherIsBetter() == a.value() > b.value() ? a : b);
        if (loomftp == null || best.isEmpty() || loomftp.value() <= 0) {
            return Optional.empty();
        }
        return Optional.of(loomftp.higherIsBetter() ? loomftp.value() / best.get().value()
                : best.get().value() / loomftp.value());
    }
}
