package fasttrack.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Turns objects into Jupyter MIME bundles.
 *
 * <p>Libraries opt in without depending on the kernel: any object with a public, no-argument
 * {@code mimeBundle()} returning a {@code Map} (MIME type to content, binary types base64) is shown
 * as it asks, like IPython's {@code _repr_mimebundle_}. Images become PNG; everything else is text.
 */
final class MimeRenderer {

    private MimeRenderer() {}

    /** @param text how JShell printed the value (used for plain objects, so strings keep their quotes) */
    static DisplayData render(Object value, String text) {
        if (value != null) {
            Map<?, ?> bundle = mimeBundleOf(value);
            if (bundle != null) return fromBundle(bundle, text);
            if (value instanceof RenderedImage image) return png(image);
        }
        return new DisplayData(text != null ? text : String.valueOf(value));
    }

    private static Map<?, ?> mimeBundleOf(Object value) {
        try {
            Method method = value.getClass().getMethod("mimeBundle");
            if (!Map.class.isAssignableFrom(method.getReturnType()) || Modifier.isStatic(method.getModifiers())) {
                return null;
            }
            method.setAccessible(true); // public method of a possibly non-public class (records, lambdas)
            return (Map<?, ?>) method.invoke(value);
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(value.getClass().getName() + ".mimeBundle() failed: " + cause, cause);
        }
    }

    private static DisplayData fromBundle(Map<?, ?> bundle, String fallbackText) {
        DisplayData data = new DisplayData();
        bundle.forEach((mime, content) -> {
            if (mime != null && content != null) data.putData(mime.toString(), content.toString());
        });
        if (!bundle.containsKey("text/plain")) {
            data.putText(fallbackText != null ? fallbackText : "");
        }
        return data;
    }

    private static DisplayData png(RenderedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DisplayData data = new DisplayData();
        data.putData("image/png", Base64.getEncoder().encodeToString(bytes.toByteArray()));
        data.putText("image " + image.getWidth() + "x" + image.getHeight());
        return data;
    }
}
