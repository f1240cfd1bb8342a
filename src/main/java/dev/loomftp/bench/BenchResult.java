package dev.loomftp.bench;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scenario's figures, as printed and written to JSON.
 *
 * @param scenario       which scenario ran, as named on the command line
 * @param tls            whether its clients used FTPS (PROT P)
 * @param value          the headline figure
 * @param unit           its unit, such as "files/s" or "ms"
 * @param higherIsBetter whether more of {@code value} is better (files/s) or worse (ms)
 * @param clients        how many clients (or sessions) ran at once
 * @param operations     how many operations completed
 * @param errors         how many clients or operations failed
 * @param p50Millis      the median time of one operation, in ms
 * @param p99Millis      the 99th percentile time of one operation, in ms
 * @param figures        further figures by name, such as the server's memory
 * @param firstError     the first failure's message, or null
 */
public record BenchResult(String scenario, boolean tls, double value, String unit, boolean higherIsBetter, int clients,
        long operations, long errors, double p50Millis, double p99Millis, Map<String, Double> figures,
        String firstError) {

    public BenchResult {
        figures = Collections.unmodifiableMap(new TreeMap<>(figures));
    }
}
