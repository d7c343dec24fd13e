package dev.ccrouter.bench;

import java.util.List;
import java.util.Locale;

/** A line chart as a standalone SVG: axes with a few ticks, one polyline per series, a legend. */
final class Svg {
    record Series(String name, String color, List<double[]> points) {
    }

    private static final int WIDTH = 720;
    private static final int HEIGHT = 360;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;

    private Svg() {
    }

    static String plot(String title, String xLabel, String yLabel, boolean logX, List<Series> series) {
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = 0, maxY = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (!logX) {
            minX = 0;
        }
        Axis x = new Axis(logX ? Math.log10(minX) : minX, logX ? Math.log10(maxX) : maxX, LEFT, WIDTH - RIGHT, logX);
        Axis y = new Axis(minY, maxY * 1.05, HEIGHT - BOTTOM, TOP, false);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(text(WIDTH / 2.0, 18, title, "middle", 14));
        svg.append(String.format(Locale.ROOT, "<path d=\"M%d %d V%d H%d\" stroke=\"black\" fill=\"none\"/>%n",
                LEFT, TOP, HEIGHT - BOTTOM, WIDTH - RIGHT));
        for (int i = 0; i <= 5; i++) {
            double vx = x.from + (x.to - x.from) * i / 5;
            double vy = y.from + (y.to - y.from) * i / 5;
            svg.append(text(x.pixel(vx), HEIGHT - BOTTOM + 16, number(logX ? Math.pow(10, vx) : vx), "middle", 11));
            svg.append(text(LEFT - 6, y.pixel(vy) + 4, number(vy), "end", 11));
            svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %d H%d\" stroke=\"#ddd\"/>%n", (double) LEFT, (int) y.pixel(vy), WIDTH - RIGHT));
        }
        svg.append(text(WIDTH / 2.0, HEIGHT - 8, xLabel, "middle", 12));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>%n",
                HEIGHT / 2, HEIGHT / 2, yLabel));
        int legend = 0;
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            for (double[] p : s.points()) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.pixel(logX ? Math.log10(p[0]) : p[0]), y.pixel(p[1])));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    s.color(), points.toString().trim()));
            double ly = TOP + 10 + 16 * legend++;
            svg.append(String.format(Locale.ROOT, "<path d=\"M%d %.1f h20\" stroke=\"%s\" stroke-width=\"3\"/>%n", WIDTH - RIGHT - 150, ly, s.color()));
            svg.append(text(WIDTH - RIGHT - 124, ly + 4, s.name(), "start", 12));
        }
        return svg.append("</svg>\n").toString();
    }

    private record Axis(double from, double to, double pixelFrom, double pixelTo, boolean log) {
        double pixel(double value) {
            return pixelFrom + (value - from) / (to - from == 0 ? 1 : to - from) * (pixelTo - pixelFrom);
        }
    }

    private static String text(double x, double y, String value, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, value);
    }

    private static String number(double value) {
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }
}
