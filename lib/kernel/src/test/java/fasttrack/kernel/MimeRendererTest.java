package fasttrack.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MimeRendererTest {

    public static final class Rich {
        public Map<String, String> mimeBundle() {
            return Map.of("text/html", "<b>rich</b>");
        }
    }

    public static final class Broken {
        public Map<String, String> mimeBundle() {
            throw new IllegalStateException("cannot draw");
        }
    }

    @Test
    void objectsWithAMimeBundleAreShownAsTheyAsk() {
        DisplayData data = MimeRenderer.render(new Rich(), "Rich@1");
        assertEquals("<b>rich</b>", data.getData(MIMEType.TEXT_HTML));
        assertEquals("Rich@1", data.getData(MIMEType.TEXT_PLAIN), "text/plain is always present");
    }

    @Test
    void imagesBecomePng() {
        DisplayData data = MimeRenderer.render(new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB), null);
        assertTrue(data.hasDataForType(MIMEType.IMAGE_PNG));
        assertEquals("image 3x2", data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void plainObjectsKeepJShellsText() {
        assertEquals("\"quoted\"", MimeRenderer.render("quoted", "\"quoted\"").getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void aFailingMimeBundleNamesTheClass() {
        var e = assertThrows(IllegalStateException.class, () -> MimeRenderer.render(new Broken(), "x"));
        assertTrue(e.getMessage().contains("Broken.mimeBundle() failed"), e.getMessage());
    }
}
