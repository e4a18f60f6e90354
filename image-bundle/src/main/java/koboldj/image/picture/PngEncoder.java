package koboldj.image.picture;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * PNG with A1111's {@code parameters} text chunk, as A1111 writes it: {@code tEXt} when the text
 * is Latin-1, else {@code iTXt} (UTF-8). The JDK's writer adds no time stamp, so the same pixels and
 * text give the same bytes.
 */
public final class PngEncoder {
    static final String PARAMETERS = "parameters";

    private PngEncoder() {
    }

    public static byte[] encode(BufferedImage image, String parameters) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image),
                    writer.getDefaultWriteParam());
            if (parameters != null) {
                metadata.mergeTree(IIOMetadataFormatName.PNG, textTree(parameters));
            }
            writer.write(null, new IIOImage(image, null, metadata), writer.getDefaultWriteParam());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        } finally {
            writer.dispose();
        }
    }

    private static IIOMetadataNode textTree(String text) {
        IIOMetadataNode root = new IIOMetadataNode(IIOMetadataFormatName.PNG);
        if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(text)) {
            IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
            entry.setAttribute("keyword", PARAMETERS);
            entry.setAttribute("value", text);
            IIOMetadataNode chunk = new IIOMetadataNode("tEXt");
            chunk.appendChild(entry);
            root.appendChild(chunk);
        } else {
            IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
            entry.setAttribute("keyword", PARAMETERS);
            entry.setAttribute("compressionFlag", "FALSE");
            entry.setAttribute("compressionMethod", "0");
            entry.setAttribute("languageTag", "");
            entry.setAttribute("translatedKeyword", "");
            entry.setAttribute("text", text);
            IIOMetadataNode chunk = new IIOMetadataNode("iTXt");
            chunk.appendChild(entry);
            root.appendChild(chunk);
        }
        return root;
    }

    /** The native metadata format of the JDK's PNG plugin. */
    private static final class IIOMetadataFormatName {
        static final String PNG = "javax_imageio_png_1.0";
    }
}
