package dev.ccrouter.bench;

import dev.ccrouter.bench.Soak.Sample;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The soak's findings: the samples as CSV, and a Markdown section with each metric's first, post-warm-up, last and
 * largest value, its linear trend after the warm-up (least squares, per 10 minutes), the idle state after the load,
 * {@code /health} latency percentiles, and the requests by scenario and outcome.
 */
record SoakReport(Duration length, int rate, List<Sample> samples, Sample after, Map<String, LongAdder> outcomes) {

    /** Metrics settle in the first minutes (JIT, heap sizing, pools): trends are taken after this share of the run. */
    private static final double WARM_UP_SHARE = 1.0 / 6;

    String csv() {
        StringBuilder csv = new StringBuilder("seconds,rss_kb,threads,fds,health_ms,cpu_s,requests,bad\n");
        for (Sample s : samples) {
            csv.append(String.format(Locale.ROOT, "%.0f,%d,%d,%d,%.2f,%.2f,%d,%d%n", s.seconds(), s.rssKb(),
                    s.threads(), s.descriptors(), s.healthMillis(), s.cpuSeconds(), s.requests(), s.bad()));
        }
        return csv.toString();
    }

    String markdown() {
        Sample first = samples.getFirst();
        Sample last = samples.getLast();
        List<Sample> warm = warm();
        StringBuilder md = new StringBuilder();
        md.append("<!-- soak:begin (written by bench/soak; edits here are overwritten) -->\n");
        md.append(String.format(Locale.ROOT, "Run %s: `bench/soak --minutes %d --rate %d` on %d cores, "
                        + "%d requests (%.0f/s), gateway CPU %.0f s (%.0f%% of one core), "
                        + "%d answers no client should see.%n%n",
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                length.toMinutes(), rate, Runtime.getRuntime().availableProcessors(), last.requests(),
                last.requests() / last.seconds(), last.cpuSeconds() - first.cpuSeconds(),
                100 * (last.cpuSeconds() - first.cpuSeconds()) / last.seconds(), last.bad()));
        md.append(String.format(Locale.ROOT, "| metric | idle before | after warm-up (%.0f s) | end of load | max "
                + "| trend after warm-up, per 10 min | idle after (35 s) |%n", warm.getFirst().seconds()));
        md.append("|---|---|---|---|---|---|---|\n");
        row(md, "RSS (MB)", s -> s.rssKb() / 1024.0, warm);
        row(md, "threads", Sample::threads, warm);
        row(md, "open descriptors", Sample::descriptors, warm);
        md.append('\n');
        List<Double> health = samples.stream().skip(1).map(Sample::healthMillis).filter(ms -> ms >= 0).sorted()
                .toList();
        long failed = samples.stream().skip(1).filter(s -> s.healthMillis() < 0).count();
        md.append(String.format(Locale.ROOT, "`/health` under load (one sample every 10 s, %d answered): p50 %.1f ms, "
                        + "p90 %.1f ms, max %.1f ms, failed %d; idle before %.1f ms.%n%n",
                health.size(), percentile(health, 0.5), percentile(health, 0.9), health.getLast(),
                failed, first.healthMillis()));
        md.append("| scenario → outcome | count |\n|---|---|\n");
        new TreeMap<>(outcomes).forEach((name, count) -> md.append("| ").append(name).append(" | ")
                .append(count.sum()).append(" |\n"));
        md.append("<!-- soak:end -->\n");
        return md.toString();
    }

    private List<Sample> warm() {
        double from = samples.getLast().seconds() * WARM_UP_SHARE;
        return samples.stream().filter(s -> s.seconds() >= from).toList();
    }

    private void row(StringBuilder md, String name, ToDoubleFunction<Sample> metric, List<Sample> warm) {
        double max = samples.stream().mapToDouble(metric).max().orElseThrow();
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %+.1f | %.0f |%n", name,
                metric.applyAsDouble(samples.getFirst()), metric.applyAsDouble(warm.getFirst()),
                metric.applyAsDouble(samples.getLast()), max, slopePerTenMinutes(warm, metric),
                metric.applyAsDouble(after)));
    }

    /** Least-squares slope of the metric against time, scaled to 10 minutes. */
    private static double slopePerTenMinutes(List<Sample> points, ToDoubleFunction<Sample> metric) {
        double n = points.size();
        double meanT = points.stream().mapToDouble(Sample::seconds).sum() / n;
        double meanY = points.stream().mapToDouble(metric).sum() / n;
        double covariance = 0;
        double variance = 0;
        for (Sample s : points) {
            covariance += (s.seconds() - meanT) * (metric.applyAsDouble(s) - meanY);
            variance += (s.seconds() - meanT) * (s.seconds() - meanT);
        }
        return variance == 0 ? 0 : covariance / variance * 600;
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}
