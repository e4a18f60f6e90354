package koboldj.audio.tts.encode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One logical Ogg bitstream (RFC 3533) written page by page: packets are gathered into the
 * current page until {@link #flushPage} or until its segment table is full.
 */
final class OggPageWriter {
    private static final int HEADER_TYPE_BEGIN = 0x02;
    private static final int HEADER_TYPE_END = 0x04;
    private static final int MAX_SEGMENTS = 255;
    private static final int[] CRC_TABLE = crcTable();

    private final OutputStream out;
    private final int serial;
    private int sequence;
    private boolean begun;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final ByteArrayOutputStream segments = new ByteArrayOutputStream();
    private long granule = -1;

    OggPageWriter(OutputStream out, int serial) {
        this.out = out;
        this.serial = serial;
    }

    /** Adds a whole packet that ends on the page at {@code granulePosition}. */
    void packet(byte[] data, int length, long granulePosition) throws IOException {
        int lacing = length / 255 + 1;
        if (segments.size() + lacing > MAX_SEGMENTS) {
            flushPage(false);
        }
        for (int i = 0; i < length / 255; i++) {
            segments.write(255);
        }
        segments.write(length % 255);
        body.write(data, 0, length);
        granule = granulePosition;
    }

    /** Writes the gathered packets as one page; {@code last} marks the end of the stream. */
    void flushPage(boolean last) throws IOException {
        if (segments.size() == 0 && !last) {
            return;
        }
        byte[] table = segments.toByteArray();
        byte[] data = body.toByteArray();
        ByteBuffer page = ByteBuffer.allocate(27 + table.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        page.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        page.put((byte) ((begun ? 0 : HEADER_TYPE_BEGIN) | (last ? HEADER_TYPE_END : 0)));
        page.putLong(granule).putInt(serial).putInt(sequence++).putInt(0);
        page.put((byte) table.length).put(table).put(data);
        byte[] bytes = page.array();
        int crc = crc(bytes);
        ByteBuffer.wrap(bytes, 22, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc);
        out.write(bytes);
        begun = true;
        segments.reset();
        body.reset();
        granule = -1;
    }

    /** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, starting from 0, over the page with its CRC field zero. */
    static int crc(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ (b & 0xff)) & 0xff];
        }
        return crc;
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04c11db7 : r << 1;
            }
            table[i] = r;
        }
        return table;
    }
}
