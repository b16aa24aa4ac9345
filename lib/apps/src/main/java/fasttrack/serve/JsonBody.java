package fasttrack.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request body read strictly: at most the size limit (413 past it), within the connection's idle
 * timeout (408 for a body that stalls), UTF-8 and nothing else (the offending byte's position named),
 * and JSON as RFC 8259 defines it. Gson's own parser is lenient: it takes comments, single quotes,
 * unquoted names, NaN and a second value after the first, and keeps the last of two equal keys, so
 * {@code {"max_tokens": 1, "max_tokens": 9999}} would mean whatever a proxy in front of the server
 * did not check. Here each of those is a 400 at its line and column. Numbers stay exact
 * ({@link BigDecimal}), so a seed of 2<sup>63</sup> is refused rather than wrapped to a negative one.
 */
final class JsonBody {

    private static final Pattern POSITION = Pattern.compile("line \\d+ column \\d+");

    private final JsonObject json;

    JsonBody(JsonObject json) {
        this.json = json;
    }

    /**
     * A body over the limit but no larger than this is read and dropped before the 413: a server that answers and
     * closes while the client is still sending resets the connection, and the client may never see the answer.
     */
    private static final long DRAINED = 1 << 20;

    /** The body's bytes: 413 when {@code contentLength} or the bytes read pass {@code maxBytes}, 408 when it stops arriving. */
    static byte[] read(InputStream in, long contentLength, int maxBytes) {
        try {
            if (contentLength > maxBytes) {
                if (contentLength <= DRAINED) drain(in, contentLength);
                throw tooLarge("the body has " + contentLength + " bytes; the limit is " + maxBytes);
            }
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                drain(in, DRAINED);
                throw tooLarge("the body is over the limit of " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TimeoutException) {
                    throw new ApiException(
                            408,
                            "body_timeout",
                            "the body stopped arriving before it was complete: send the whole body without pauses");
                }
            }
            throw new ApiException(400, "body_incomplete", "the connection ended before the whole body arrived");
        }
    }

    /** Reads and drops at most {@code length} bytes, fewer when the body ends first. */
    private static void drain(InputStream in, long length) throws IOException {
        byte[] buffer = new byte[8192];
        for (long left = length; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) return;
            left -= n;
        }
    }

    private static ApiException tooLarge(String message) {
        return new ApiException(413, "body_too_large", message);
    }

    /** Parses a body that must be one JSON object; {@code example} is a good body, shown when it is not one. */
    static JsonBody parse(byte[] body, String example) {
        String text = utf8(body);
        JsonElement parsed;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            parsed = element(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT)
                throw new ApiException(
                        400, "invalid_json", "the body has more after its JSON value: send one object like " + example);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            Matcher where = POSITION.matcher(String.valueOf(e.getMessage()));
            throw new ApiException(
                    400,
                    "invalid_json",
                    "the body is not valid JSON" + (where.find() ? " (at " + where.group() + ")" : "")
                            + " (comments, single quotes, NaN, trailing commas and repeated keys are not JSON): send an object like "
                            + example);
        }
        if (!parsed.isJsonObject())
            throw new ApiException(400, "invalid_json", "the body must be a JSON object like " + example);
        return new JsonBody(parsed.getAsJsonObject());
    }

    /** The text of a UTF-8 body; else a 400 naming the first byte that is not UTF-8. */
    private static String utf8(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        if (result.isError()) {
            int at = in.position();
            throw new ApiException(
                    400,
                    "invalid_utf8",
                    String.format(
                            "the body is not valid UTF-8: byte %d (0x%02X) does not begin or continue a character; "
                                    + "send the JSON encoded as UTF-8",
                            at, body[at] & 0xFF));
        }
        return out.flip().toString();
    }

    /** One JSON value, numbers kept exact, a key repeated in an object refused. */
    private static JsonElement element(JsonReader reader) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (object.has(name))
                        throw new IllegalStateException("repeated key '" + name + "' at " + reader.getPreviousPath());
                    object.add(name, element(reader));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) array.add(element(reader));
                reader.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new BigDecimal(reader.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new IllegalStateException("unexpected " + reader.peek() + " at " + reader.getPath());
        }
    }

    JsonObject json() {
        return json;
    }

    /** Whether the field is given: JSON null counts as absent, as OpenAI's API treats it for optional fields. */
    boolean has(String field) {
        return json.has(field) && !json.get(field).isJsonNull();
    }

    JsonElement get(String field) {
        return json.get(field);
    }

    /** Refuses any field outside {@code fields}, so a misspelt one is not silently ignored. */
    void allowOnly(Set<String> fields) {
        for (String field : json.keySet()) {
            if (!fields.contains(field)) {
                throw new ApiException(
                        400,
                        "unknown_field",
                        field,
                        "unknown field '" + field + "': the fields are "
                                + String.join(", ", fields.stream().sorted().toList()));
            }
        }
    }

    /** A whole number in [min, max], or {@code fallback} when absent. */
    long integer(String field, long fallback, long min, long max) {
        if (!has(field)) return fallback;
        BigDecimal v = decimal(field);
        if (v.signum() != 0 && v.stripTrailingZeros().scale() > 0)
            throw ApiException.invalid(field, "'" + field + "' must be a whole number, got " + json.get(field));
        if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw ApiException.invalid(
                    field, "'" + field + "' must be between " + min + " and " + max + ", got " + json.get(field));
        }
        return v.longValueExact();
    }

    /** A number in [min, max] ({@code min} {@link Double#MIN_VALUE}: above 0), or {@code fallback} when absent. */
    double number(String field, double fallback, double min, double max) {
        if (!has(field)) return fallback;
        double v = decimal(field).doubleValue();
        if (!(v >= min && v <= max)) {
            throw ApiException.invalid(
                    field,
                    "'" + field + "' must be " + (min == Double.MIN_VALUE ? "above 0" : "at least " + min)
                            + " and at most " + max + ", got " + json.get(field));
        }
        return v;
    }

    boolean bool(String field, boolean fallback) {
        if (!has(field)) return fallback;
        JsonElement e = json.get(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean())
            throw ApiException.invalid(field, "'" + field + "' must be true or false");
        return e.getAsBoolean();
    }

    private BigDecimal decimal(String field) {
        JsonElement e = json.get(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber())
            throw ApiException.invalid(field, "'" + field + "' must be a number");
        return e.getAsBigDecimal();
    }
}
