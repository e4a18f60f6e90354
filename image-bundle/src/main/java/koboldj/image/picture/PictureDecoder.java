package koboldj.image.picture;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;

/**
 * A picture a request carries as base64 (bare, or a {@code data:} URL), as PNG, JPEG or WebP.
 * The format is told by its first bytes and its size is read before its pixels, so that a huge or
 * malformed file is refused with a 400 naming the field before it costs memory. WebP comes from
 * TwelveMonkeys' reader, used directly rather than through ImageIO's global registry, which in OSGi
 * would not see a reader embedded in this bundle.
 */
public final class PictureDecoder {
    private static final WebPImageReaderSpi WEBP = new WebPImageReaderSpi();

    private final int maxSide;

    /** @param maxSide the longest side, in pixels, a picture may have */
    public PictureDecoder(int maxSide) {
        this.maxSide = maxSide;
    }

    /** Decodes the base64 text of {@code field} into an RGB image (an alpha channel is flattened onto black). */
    public BufferedImage decode(String base64, String field) {
        return toRgb(decodeKeepingAlpha(base64, field));
    }

    /** As {@link #decode} but keeps the alpha channel, which a mask may carry. */
    public BufferedImage decodeKeepingAlpha(String base64, String field) {
        byte[] bytes = bytes(base64, field);
        ImageFormat format = ImageFormat.of(bytes)
                .orElseThrow(() -> PictureException.of(field, "is not a PNG, JPEG or WebP image."));
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = reader(format);
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width < 1 || height < 1 || width > maxSide || height > maxSide) {
                    throw PictureException.of(field, "is " + width + "x" + height + " pixels; at most " + maxSide
                            + " on a side are accepted.");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof koboldj.api.error.ApiException api) {
                throw api;
            }
            throw PictureException.of(field, "could not be read as a " + format.label() + " image: the file is damaged.");
        }
    }

    private static ImageReader reader(ImageFormat format) throws IOException {
        if (format == ImageFormat.WEBP) {
            return WEBP.createReaderInstance();
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.label());
        if (!readers.hasNext()) {
            throw new IOException("the JDK has no " + format.label() + " reader");
        }
        return readers.next();
    }

    /** The bytes of base64 text, bare or as a data: URL; a 400 for anything else. */
    static byte[] bytes(String text, String field) {
        if (text == null || text.isBlank()) {
            throw PictureException.of(field, "is empty; it must be a base64-encoded PNG, JPEG or WebP image.");
        }
        String base64 = text.strip();
        if (base64.startsWith("data:")) {
            int comma = base64.indexOf(',');
            if (comma < 0 || !base64.substring(0, comma).endsWith(";base64")) {
                throw PictureException.of(field, "is a data: URL that is not base64.");
            }
            base64 = base64.substring(comma + 1);
        }
        try {
            return Base64.getMimeDecoder().decode(strictBase64(base64, field));
        } catch (IllegalArgumentException e) {
            throw PictureException.of(field, "is not valid base64.");
        }
    }

    /** The MIME decoder skips stray characters; a request's image must be base64 throughout. */
    private static String strictBase64(String base64, String field) {
        for (int i = 0; i < base64.length(); i++) {
            char c = base64.charAt(i);
            boolean valid = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                    || c == '=' || c == '-' || c == '_' || Character.isWhitespace(c);
            if (!valid) {
                throw PictureException.of(field, "is not valid base64.");
            }
        }
        return base64.replace('-', '+').replace('_', '/');
    }

    static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        var graphics = rgb.createGraphics();
        try {
            graphics.drawImage(image, 0, 0, null);
        } finally {
            graphics.dispose();
        }
        return rgb;
    }
}
