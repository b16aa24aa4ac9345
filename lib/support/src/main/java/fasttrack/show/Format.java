package fasttrack.show;

import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.LongFunction;

/**
 * How the numbers of a table column are written, as a careful author would:
 * {@code Tables.of("run").column("val loss", losses, Format.LOSS)} shows 2.302585 as {@code 2.303}.
 * Formatting is display only: the table keeps the exact values. Columns given no format get
 * {@link TableView}'s default.
 *
 * <p>Every format writes NaN as {@code NaN} and infinities as {@code ∞} and {@code -∞} (a NaN loss
 * is news, not a gap), uses {@code ,} between thousands and {@code .} before decimals whatever the
 * machine's locale, so a notebook prints the same everywhere, rounds halves away from zero, and never
 * writes a negative zero: -0.0001 to 3 decimals is {@code 0.000}.
 */
public final class Format {

    /** Losses (nats per token): 3 decimals, enough to see a run improve. 2.302585 → {@code 2.303}. */
    public static final Format LOSS = decimals(3);

    /** Counts (parameters, tokens, bytes): whole numbers with separators. 1234567 → {@code 1,234,567}. */
    public static final Format COUNT = new Format("COUNT", v -> write(v, "#,##0"), v -> write(v, "#,##0"));

    /**
     * Numbers that name rather than measure (steps, years, seeds, ranks, token ids): whole numbers
     * without separators, which would make 2024 read as a quantity. 12345 → {@code 12345}.
     */
    public static final Format ID = new Format("ID", v -> write(v, "0"), v -> write(v, "0"));

    /**
     * Scientific notation with 3 significant digits, for values that span magnitudes such as learning
     * rates: 0.0003 → {@code 3.00e-4}, 123456 → {@code 1.23e5}; zero is {@code 0}.
     */
    public static final Format SCIENTIFIC = new Format("SCIENTIFIC", v -> v == 0 ? "0" : write(v, "0.00E0"));

    /** A time in seconds, with its unit, to 3 significant digits: 1.4321 → {@code 1.43 s}, 0.25 → {@code 0.250 s}. */
    public static final Format SECONDS = new Format("SECONDS", v -> significant(v, 3) + " s");

    /** A time in milliseconds, with its unit, to 3 significant digits: 12.53 → {@code 12.5 ms}, 1234.5 → {@code 1,235 ms}. */
    public static final Format MILLIS = new Format("MILLIS", v -> significant(v, 3) + " ms");

    /**
     * The default for decimal numbers: at most 4 decimals and 5 significant digits, trailing zeros
     * dropped (3.14159 → 3.1416, 1234.5678 → 1,234.6, 2.50 → 2.5), the whole part never rounded
     * (123456.7 → 123,457); below 0.001 and from 10¹² up, scientific with 3 significant digits
     * (0.000123 → 1.23e-4), where fixed decimals would show 0.0001 or a wall of digits.
     */
    static final Format GENERAL = new Format("GENERAL", Format::general);

    private static final DecimalFormatSymbols SYMBOLS = DecimalFormatSymbols.getInstance(Locale.ROOT);

    private final String name;
    private final DoubleFunction<String> decimal;
    private final LongFunction<String> integer;

    private Format(String name, DoubleFunction<String> decimal, LongFunction<String> integer) {
        this.name = name;
        this.decimal = decimal;
        this.integer = integer;
    }

    private Format(String name, DoubleFunction<String> decimal) {
        this(name, decimal, v -> decimal.apply(v));
    }

    /** Exactly {@code n} decimals, trailing zeros kept so a column's digits line up. {@code decimals(2)}: 1234.5 → {@code 1,234.50}. */
    public static Format decimals(int n) {
        if (n < 0 || n > 15)
            throw new IllegalArgumentException(
                    "decimals must be in 0..15 (a double holds about 16 significant digits), got " + n);
        return new Format("decimals(" + n + ")", v -> write(v, grouped(n, '0')));
    }

    /** A fraction as a percentage with {@code decimals} decimals. {@code percent(1)}: 0.1234 → {@code 12.3%}. */
    public static Format percent(int decimals) {
        Format number = decimals(decimals);
        return new Format("percent(" + decimals + ")", v -> number.format(100 * v) + "%");
    }

    /** {@code value} written in this format. */
    public String format(double value) {
        if (Double.isNaN(value)) return "NaN";
        if (Double.isInfinite(value)) return value > 0 ? "∞" : "-∞";
        return decimal.apply(value);
    }

    /** {@code value} written in this format, exactly even beyond 2⁵³ where a double would round it. */
    public String format(long value) {
        return integer.apply(value);
    }

    @Override
    public String toString() {
        return name;
    }

    private static String general(double v) {
        double size = Math.abs(v);
        if (size == 0) return "0";
        if (size < 1e-3 || size >= 1e12) return write(v, "0.##E0");
        return write(v, grouped(Math.max(0, Math.min(4, 4 - exponent(size))), '#'));
    }

    /** {@code digits} significant digits, or all the whole part's; scientific below 0.001, where the decimals would run long. */
    private static String significant(double v, int digits) {
        double size = Math.abs(v);
        if (size == 0) return "0";
        if (size < 1e-3) return write(v, "0." + "0".repeat(digits - 1) + "E0");
        return write(v, grouped(Math.max(0, digits - 1 - exponent(size)), '0'));
    }

    /** The power of ten of the leading digit: 0 for 1.5, 3 for 1234, -2 for 0.05. */
    private static int exponent(double size) {
        return (int) Math.floor(Math.log10(size));
    }

    /** Separated thousands and {@code decimals} places of {@code digit}: '0' keeps trailing zeros, '#' drops them. */
    private static String grouped(int decimals, char digit) {
        return decimals == 0 ? "#,##0" : "#,##0." + String.valueOf(digit).repeat(decimals);
    }

    /** {@code v} in a {@link DecimalFormat} pattern, halves rounded up, exponents as e, no negative zero. */
    private static String write(double v, String pattern) {
        DecimalFormat format = new DecimalFormat(pattern, SYMBOLS);
        format.setRoundingMode(RoundingMode.HALF_UP);
        String text = format.format(v).replace('E', 'e');
        return text.startsWith("-") && text.chars().noneMatch(c -> c >= '1' && c <= '9') ? text.substring(1) : text;
    }

    private static String write(long v, String pattern) {
        return new DecimalFormat(pattern, SYMBOLS).format(v);
    }
}
