package koboldj.audio.decode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The four-letter tags and magic words of audio containers. */
final class Ascii {
    private Ascii() {
    }

    static boolean at(byte[] bytes, int offset, String tag) {
        if (offset + tag.length() > bytes.length) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            if (bytes[offset + i] != (byte) tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static String read(ByteBuffer in, int length) {
        byte[] tag = new byte[length];
        in.get(tag);
        return new String(tag, StandardCharsets.ISO_8859_1);
    }
}
