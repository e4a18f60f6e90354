package koboldj.e2e;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;

import javax.imageio.ImageIO;

/** Pictures as the image routes take and give them: base64 of an encoded file. */
final class Pictures {
    private Pictures() {
    }

    /** A picture whose every pixel differs from its neighbours, so a changed pixel shows. */
    static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 0x60);
            }
        }
        return image;
    }

    static String encoded(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IllegalArgumentException("no ImageIO writer for " + format);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static BufferedImage decoded(String base64) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }
}
