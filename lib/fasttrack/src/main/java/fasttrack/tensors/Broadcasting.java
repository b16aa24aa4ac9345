package fasttrack.tensors;

import ai.djl.ndarray.types.Shape;
import fasttrack.show.Html;
import java.util.Arrays;

/**
 * NumPy/PyTorch broadcasting, spelled out. Two shapes are compatible when, compared from the
 * right (trailing) dimension leftward,
 * <ol>
 *   <li>missing leading dimensions count as size 1, and</li>
 *   <li>each pair of sizes is equal, or one of them is 1 (that one is stretched to match).</li>
 * </ol>
 */
public final class Broadcasting {

    private Broadcasting() {}

    /**
     * The shape of the result of an element-wise operation on arrays of these shapes.
     *
     * @throws IllegalArgumentException naming the first pair of dimensions that cannot be aligned
     */
    public static Shape result(Shape... shapes) {
        if (shapes == null || shapes.length == 0) throw new IllegalArgumentException("give at least one shape");
        int rank = Arrays.stream(shapes).mapToInt(Shape::dimension).max().orElse(0);
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        for (int k = 1; k <= rank; k++) { // k-th dimension from the right
            for (Shape s : shapes) {
                long size = sizeFromRight(s, k);
                if (size == 1) continue;
                if (out[rank - k] != 1 && out[rank - k] != size) {
                    throw new IllegalArgumentException("shapes " + list(shapes) + " do not broadcast: dimension "
                            + (rank - k)
                            + " (the " + ordinal(k) + " from the right) has sizes " + out[rank - k] + " and " + size
                            + "; sizes must be equal or one of them 1");
                }
                out[rank - k] = size;
            }
        }
        return new Shape(out);
    }

    /** Whether {@link #result} would succeed. */
    public static boolean compatible(Shape... shapes) {
        try {
            result(shapes);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A picture of the alignment: shapes right-aligned in columns, padded dimensions shown as
     * (1), stretched sizes highlighted, and the result (or the clash, in red) underneath.
     */
    public static Html picture(Shape... shapes) {
        int rank = Arrays.stream(shapes).mapToInt(Shape::dimension).max().orElse(0);
        Shape result = null;
        String error = null;
        try {
            result = result(shapes);
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
        }
        StringBuilder html = new StringBuilder("<table style='border-collapse:collapse;font-family:monospace'>");
        StringBuilder text = new StringBuilder();
        for (Shape s : shapes) {
            html.append("<tr><td style='padding:2px 10px'>").append(s).append("</td>");
            text.append(String.format("%-16s", s));
            for (int k = rank; k >= 1; k--) {
                long size = sizeFromRight(s, k);
                boolean padded = k > s.dimension();
                long target = result == null ? -1 : result.get(rank - k);
                boolean clash = result == null && size != 1 && conflicts(shapes, k);
                String style = clash ? "background:#f8c0c0" : size == 1 && target > 1 ? "background:#fde6b0" : "";
                String cell = padded ? "(1)" : Long.toString(size);
                if (size == 1 && target > 1) cell += "&rarr;" + target;
                html.append("<td style='border:1px solid #999;padding:2px 10px;text-align:center;")
                        .append(style)
                        .append("'>")
                        .append(cell)
                        .append("</td>");
                text.append(String.format(
                        "%8s", (padded ? "(1)" : Long.toString(size)) + (size == 1 && target > 1 ? ">" + target : "")));
            }
            html.append("</tr>");
            text.append('\n');
        }
        if (result != null) {
            html.append("<tr><td style='padding:2px 10px'><b>result</b></td>");
            text.append(String.format("%-16s", "result"));
            for (int k = rank; k >= 1; k--) {
                html.append("<td style='border-top:2px solid #333;padding:2px 10px;text-align:center'><b>")
                        .append(result.get(rank - k))
                        .append("</b></td>");
                text.append(String.format("%8s", result.get(rank - k)));
            }
            html.append("</tr></table><p>")
                    .append(Html.escape("= " + result))
                    .append(" (orange: a size-1 dimension stretched)</p>");
            text.append("\n= ").append(result);
        } else {
            html.append("</table><p style='color:#b00'>")
                    .append(Html.escape(error))
                    .append("</p>");
            text.append(error);
        }
        return Html.of(html.toString(), text.toString());
    }

    private static boolean conflicts(Shape[] shapes, int k) {
        return Arrays.stream(shapes)
                        .mapToLong(s -> sizeFromRight(s, k))
                        .filter(v -> v != 1)
                        .distinct()
                        .count()
                > 1;
    }

    private static long sizeFromRight(Shape s, int k) {
        return k <= s.dimension() ? s.get(s.dimension() - k) : 1;
    }

    private static String list(Shape[] shapes) {
        StringBuilder s = new StringBuilder();
        for (Shape shape : shapes) s.append(s.length() == 0 ? "" : " and ").append(shape);
        return s.toString();
    }

    private static String ordinal(int k) {
        return k + (k == 1 ? "st" : k == 2 ? "nd" : k == 3 ? "rd" : "th");
    }
}
