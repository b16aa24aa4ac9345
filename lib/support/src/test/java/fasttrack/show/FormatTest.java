package fasttrack.show;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormatTest {

    /** Asserts {@code format} writes each key as its value. */
    private static void writes(Format format, Map<Double, String> expected) {
        assertAll(expected.entrySet().stream()
                .map(e -> () -> assertEquals(e.getValue(), format.format(e.getKey()), format + " of " + e.getKey())));
    }

    private static Map<Double, String> cases(Object... pairs) {
        Map<Double, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) map.put(((Number) pairs[i]).doubleValue(), (String) pairs[i + 1]);
        return map;
    }

    @Test
    void lossesHaveThreeDecimals() {
        writes(
                Format.LOSS,
                cases(
                        2.302585092994046,
                        "2.303",
                        0.0,
                        "0.000",
                        -1.23456,
                        "-1.235",
                        0.0005,
                        "0.001",
                        -0.0004,
                        "0.000",
                        1.5e-7,
                        "0.000",
                        12345.6789,
                        "12,345.679",
                        Double.NaN,
                        "NaN",
                        Double.POSITIVE_INFINITY,
                        "∞",
                        Double.NEGATIVE_INFINITY,
                        "-∞"));
    }

    @Test
    void decimalsAndPercentKeepTrailingZeros() {
        writes(
                Format.decimals(2),
                cases(1234.5, "1,234.50", -0.005, "-0.01", 1e15, "1,000,000,000,000,000.00", 0.0, "0.00"));
        writes(Format.decimals(0), cases(2.5, "3", -2.5, "-3", 999999.4, "999,999"));
        writes(
                Format.percent(1),
                cases(
                        0.1234,
                        "12.3%",
                        1.0,
                        "100.0%",
                        -0.05,
                        "-5.0%",
                        0.0,
                        "0.0%",
                        12.0,
                        "1,200.0%",
                        Double.NaN,
                        "NaN"));
        writes(Format.percent(0), cases(0.995, "100%", 1e-9, "0%"));
    }

    @Test
    void countsHaveSeparatorsAndIdsNone() {
        writes(
                Format.COUNT,
                cases(
                        1234567,
                        "1,234,567",
                        999,
                        "999",
                        -12345,
                        "-12,345",
                        0,
                        "0",
                        1234.6,
                        "1,235",
                        1e15,
                        "1,000,000,000,000,000"));
        assertEquals("9,223,372,036,854,775,807", Format.COUNT.format(Long.MAX_VALUE), "longs are written exactly");
        assertEquals(
                "-9,007,199,254,740,993",
                Format.COUNT.format(-(1L << 53) - 1),
                "beyond 2^53, where a double would round");
        writes(Format.ID, cases(2024, "2024", 123456789, "123456789", -7, "-7", 0, "0"));
        assertEquals("9223372036854775807", Format.ID.format(Long.MAX_VALUE));
    }

    @Test
    void scientificHasThreeSignificantDigits() {
        writes(
                Format.SCIENTIFIC,
                cases(
                        3e-4,
                        "3.00e-4",
                        0.00028734,
                        "2.87e-4",
                        -6e-5,
                        "-6.00e-5",
                        123456,
                        "1.23e5",
                        1,
                        "1.00e0",
                        9.996e-5,
                        "1.00e-4",
                        1e-300,
                        "1.00e-300",
                        6.02e23,
                        "6.02e23",
                        0.0,
                        "0",
                        Double.NaN,
                        "NaN"));
    }

    @Test
    void timesCarryTheirUnit() {
        writes(
                Format.SECONDS,
                cases(
                        1.4321,
                        "1.43 s",
                        0.25,
                        "0.250 s",
                        12.53,
                        "12.5 s",
                        3600,
                        "3,600 s",
                        0.0123,
                        "0.0123 s",
                        0.0000123,
                        "1.23e-5 s",
                        0.0,
                        "0 s",
                        -1.5,
                        "-1.50 s",
                        Double.NaN,
                        "NaN"));
        writes(
                Format.MILLIS,
                cases(
                        12.53,
                        "12.5 ms",
                        1234.5,
                        "1,235 ms",
                        153.04,
                        "153 ms",
                        0.9996,
                        "1.000 ms",
                        Double.POSITIVE_INFINITY,
                        "∞"));
    }

    @Test
    void theDefaultKeepsFiveSignificantDigitsAndSmallNumbersReadable() {
        writes(
                Format.GENERAL,
                cases(
                        0.000123,
                        "1.23e-4",
                        1234.5678,
                        "1,234.6",
                        3.14159265,
                        "3.1416",
                        0.123456,
                        "0.1235",
                        2.5,
                        "2.5",
                        3.0,
                        "3",
                        123456.78,
                        "123,457",
                        -0.5,
                        "-0.5",
                        -0.000123,
                        "-1.23e-4",
                        0.0012345,
                        "0.0012",
                        0.001,
                        "0.001",
                        1e-4,
                        "1e-4",
                        0.0,
                        "0",
                        -0.0,
                        "0",
                        1.5e12,
                        "1.5e12",
                        999_999_999_999.0,
                        "999,999,999,999",
                        Double.MIN_VALUE,
                        "4.9e-324",
                        Double.MAX_VALUE,
                        "1.8e308",
                        Double.NaN,
                        "NaN",
                        Double.NEGATIVE_INFINITY,
                        "-∞"));
    }

    @Test
    void formatsIgnoreTheMachinesLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("1,234.50", Format.decimals(2).format(1234.5));
            assertEquals("1,234.6", Format.GENERAL.format(1234.5678));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void formatsSayWhatTheyAre() {
        assertEquals("decimals(3)", Format.LOSS.toString());
        assertEquals("percent(1)", Format.percent(1).toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Format.decimals(-1))
                .getMessage()
                .contains("0..15"));
    }
}
