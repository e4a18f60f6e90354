package koboldj.testing.sdcheckpoints;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Writes a buffer completely: a file channel may write less than asked in one call. */
final class ChannelOutput {

    private ChannelOutput() {
    }

    static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
