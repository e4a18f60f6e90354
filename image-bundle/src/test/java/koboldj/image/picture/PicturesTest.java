package koboldj.image.picture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;

import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

import koboldj.api.error.ApiException;

class PicturesTest {
    /** 1x1 WebP pictures, lossless and lossy, as browsers' WebP support checks (e.g. Modernizr's) use them. */
    private static final String WEBP_LOSSLESS = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==";
    private static final String WEBP_LOSSY = "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA";

    private final PictureDecoder decoder = new PictureDecoder(2048);

    @Test
    void pngCarriesA1111ParametersAndSameInputGivesSameBytes() throws IOException {
        BufferedImage image = gradient(16, 8);
        String text = new InfoText("a cat, (sitting:1.2)", "blurry").with("Steps", 20).with("Sampler", "Euler a")
                .with("Schedule type", "Automatic").with("CFG scale", 7.0).with("Seed", 42L).with("Size", "16x8")
                .with("Model", "tiny").toString();
        byte[] png = PngEncoder.encode(image, text);
        assertArrayEquals(png, PngEncoder.encode(image, text));
        assertEquals(text, parameters(png));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(16, back.getWidth());
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                assertEquals(image.getRGB(x, y), back.getRGB(x, y));
            }
        }
        String latin = new String(png, StandardCharsets.ISO_8859_1);
        assertTrue(latin.contains("tEXtparameters\0a cat"), "a tEXt chunk named parameters");

        String unicode = "a cat \u732b\nSteps: 1";
        byte[] utf8 = PngEncoder.encode(image, unicode);
        assertTrue(new String(utf8, StandardCharsets.ISO_8859_1).contains("iTXtparameters"));
        assertEquals(unicode, parameters(utf8));
    }

    @Test
    void infoTextIsA1111s() {
        String text = new InfoText("a cat", "dog, blurry").with("Steps", 20).with("Sampler", "DPM++ 2M")
                .with("Schedule type", "Karras").with("CFG scale", 7.5).with("Seed", 1234L).with("Size", "512x512")
                .with("Model", "v1-5, pruned").with("Denoising strength", null).toString();
        assertEquals("a cat\nNegative prompt: dog, blurry\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, "
                + "CFG scale: 7.5, Seed: 1234, Size: 512x512, Model: \"v1-5, pruned\"", text);
        assertEquals("x\nSteps: 1", new InfoText("x", "").with("Steps", 1).toString());
    }

    @Test
    void decodesPngJpegAndWebpBareOrAsDataUrls() throws IOException {
        BufferedImage image = gradient(10, 6);
        String png = Base64.getEncoder().encodeToString(write(image, "png"));
        assertEquals(image.getRGB(3, 2), decoder.decode(png, "init_images").getRGB(3, 2));
        assertEquals(10, decoder.decode("data:image/png;base64," + png, "init_images").getWidth());
        BufferedImage jpeg = decoder.decode(Base64.getEncoder().encodeToString(write(image, "jpeg")), "image");
        assertEquals(6, jpeg.getHeight());
        assertEquals(1, decoder.decode(WEBP_LOSSLESS, "image").getWidth());
        assertEquals(1, decoder.decode("data:image/webp;base64," + WEBP_LOSSY, "image").getHeight());
    }

    @Test
    void anythingElseIsRefusedNamingTheField() throws IOException {
        String gif = Base64.getEncoder().encodeToString(write(gradient(4, 4), "gif"));
        assertRefused("mask", gif, "is not a PNG, JPEG or WebP image");
        assertRefused("init_images", "not base64 at all!", "is not valid base64");
        assertRefused("image", "", "is empty");
        assertRefused("image", "data:image/png,abc", "not base64");
        byte[] damaged = write(gradient(8, 8), "png");
        byte[] cut = java.util.Arrays.copyOf(damaged, 40);
        assertRefused("image", Base64.getEncoder().encodeToString(cut), "damaged");
        String large = Base64.getEncoder().encodeToString(write(gradient(40, 3), "png"));
        ApiException tooLarge = assertThrows(ApiException.class, () -> new PictureDecoder(32).decode(large, "image"));
        assertTrue(tooLarge.getMessage().contains("40x3"), tooLarge.getMessage());
    }

    @Test
    void lanczosKeepsFlatColourAndAveragesWhenShrinking() {
        BufferedImage flat = new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 30; x++) {
                flat.setRGB(x, y, 0x336699);
            }
        }
        BufferedImage up = Resizer.LANCZOS.resize(flat, 77, 41);
        assertEquals(0x336699, up.getRGB(40, 20) & 0xFFFFFF);
        assertEquals(0x336699, up.getRGB(0, 0) & 0xFFFFFF);
        BufferedImage stripes = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                stripes.setRGB(x, y, x % 2 == 0 ? 0xFFFFFF : 0);
            }
        }
        int grey = Resizer.LANCZOS.resize(stripes, 16, 16).getRGB(8, 8) & 0xFF;
        assertEquals(128, grey, 3, "shrinking averages the stripes instead of aliasing them");
    }

    @Test
    void nearestRepeatsPixels() {
        BufferedImage image = gradient(2, 2);
        BufferedImage up = Resizer.NEAREST.resize(image, 4, 4);
        assertEquals(image.getRGB(1, 0), up.getRGB(2, 0));
        assertEquals(image.getRGB(1, 0), up.getRGB(3, 1));
        assertEquals(image.getRGB(0, 1), up.getRGB(1, 3));
    }

    @Test
    void resizeModesCropOrFillAsA1111() {
        BufferedImage wide = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 200; x++) {
                wide.setRGB(x, y, x < 50 || x >= 150 ? 0xFF0000 : 0x0000FF);
            }
        }
        BufferedImage cropped = ResizeMode.CROP_AND_RESIZE.apply(wide, 64, 64, Resizer.NEAREST);
        assertEquals(0x0000FF, cropped.getRGB(0, 10) & 0xFFFFFF, "the centre is kept, the red sides are cut");
        assertEquals(0x0000FF, cropped.getRGB(63, 10) & 0xFFFFFF);

        BufferedImage filled = ResizeMode.RESIZE_AND_FILL.apply(wide, 64, 64, Resizer.NEAREST);
        assertEquals(0xFF0000, filled.getRGB(0, 0) & 0xFFFFFF, "the band above takes the top row");
        assertEquals(0x0000FF, filled.getRGB(32, 0) & 0xFFFFFF);
        assertEquals(0x0000FF, filled.getRGB(32, 63) & 0xFFFFFF, "and the band below the bottom row");

        assertEquals(64, ResizeMode.JUST_RESIZE.apply(wide, 64, 32, Resizer.LANCZOS).getWidth());
        assertEquals("resize_mode", assertThrows(ApiException.class, () -> ResizeMode.of(3)).param());
    }

    @Test
    void masksComeFromAlphaOrBrightnessAndBlurInvertAndCrop() {
        BufferedImage opaque = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                opaque.setRGB(x, y, x >= 4 ? 0xFFFFFFFF : 0xFF000000);
            }
        }
        Mask byLuma = Mask.of(opaque);
        assertEquals(1, byLuma.values()[5]);
        assertEquals(0, byLuma.values()[2]);
        assertEquals(1, byLuma.inverted().values()[2]);

        BufferedImage transparent = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
        transparent.setRGB(1, 1, 0xFFFFFFFF);
        Mask byAlpha = Mask.of(transparent);
        assertEquals(1, byAlpha.values()[9]);
        assertEquals(0, byAlpha.values()[0]);

        Mask blurred = byLuma.blurred(1.5);
        assertTrue(blurred.values()[3] > 0 && blurred.values()[3] < 0.5);
        assertTrue(blurred.values()[4] > 0.5 && blurred.values()[4] < 1);
        assertEquals(0, blurred.values()[0], 0.02);
        assertEquals(1, blurred.values()[7], 0.02);

        Rectangle region = byAlpha.repaintedRegion(1);
        assertEquals(new Rectangle(0, 0, 3, 3), region);
        assertNull(new Mask(2, 1, new float[2]).repaintedRegion(4));
        Rectangle wide = byAlpha.regionWithAspect(region, 512, 256);
        assertEquals(2.0, (double) wide.width / wide.height, 0.01);
        assertEquals(3, byAlpha.crop(region).width());
    }

    @Test
    void compositeKeepsEveryPixelOutsideTheMaskExactly() {
        BufferedImage original = gradient(32, 32);
        BufferedImage generated = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        float[] values = new float[32 * 32];
        for (int y = 10; y < 20; y++) {
            for (int x = 10; x < 20; x++) {
                values[y * 32 + x] = 1;
            }
        }
        Mask mask = new Mask(32, 32, values).blurred(2);
        BufferedImage result = mask.composite(original, generated);
        int unchanged = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                if (mask.values()[y * 32 + x] == 0) {
                    assertEquals(original.getRGB(x, y), result.getRGB(x, y));
                    unchanged++;
                }
            }
        }
        assertTrue(unchanged > 400, unchanged + " pixels outside the mask");
        assertTrue((result.getRGB(15, 15) >> 16 & 0xFF) <= 2, "the middle is the generated black");
    }

    @Test
    void fillTakesTheColoursAround() {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, x >= 6 && x < 10 && y >= 6 && y < 10 ? 0xFFFFFF : 0x204080);
            }
        }
        float[] values = new float[256];
        for (int y = 6; y < 10; y++) {
            for (int x = 6; x < 10; x++) {
                values[y * 16 + x] = 1;
            }
        }
        BufferedImage filled = new Mask(16, 16, values).filledFromSurroundings(image);
        assertEquals(0x204080, filled.getRGB(8, 8) & 0xFFFFFF);
        assertEquals(0x204080, filled.getRGB(0, 0) & 0xFFFFFF);
    }

    private void assertRefused(String field, String base64, String words) {
        ApiException refused = assertThrows(ApiException.class, () -> decoder.decode(base64, field));
        assertEquals(field, refused.param());
        assertTrue(refused.getMessage().contains("'" + field + "'") && refused.getMessage().contains(words), refused.getMessage());
    }

    private static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 0x40);
            }
        }
        return image;
    }

    private static byte[] write(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out));
        return out.toByteArray();
    }

    /** The text of the PNG's parameters chunk, read back with the JDK's reader. */
    private static String parameters(byte[] png) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(png)));
        IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
        for (String kind : new String[] {"tEXtEntry", "iTXtEntry"}) {
            NodeList entries = root.getElementsByTagName(kind);
            for (int i = 0; i < entries.getLength(); i++) {
                IIOMetadataNode entry = (IIOMetadataNode) entries.item(i);
                if ("parameters".equals(entry.getAttribute("keyword"))) {
                    return kind.startsWith("t") ? entry.getAttribute("value") : entry.getAttribute("text");
                }
            }
        }
        assertNotNull(null, "no parameters chunk");
        return null;
    }
}
