package fasttrack.show;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something a notebook can show: a MIME bundle, like IPython's {@code _repr_mimebundle_}.
 *
 * <p>This is the whole bridge to the kernel. The kernel renders any cell result (or argument of
 * {@code display(...)}) that has a public {@code mimeBundle()} method returning a map, so the library
 * never depends on a kernel and runs the same under JUnit. Text types map to their text; binary
 * types ({@code image/png}) map to base64, as the Jupyter protocol carries them.
 */
public interface Displayable {

    /** MIME type to content, in order of preference; always includes {@code text/plain}. */
    Map<String, String> mimeBundle();

    /** The bundle of a picture: the PNG (base64) with a text fallback. */
    static Map<String, String> png(byte[] png, String text) {
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("image/png", Base64.getEncoder().encodeToString(png));
        bundle.put("text/plain", text);
        return bundle;
    }
}
