package koboldj.audio.decode;

import java.util.ArrayList;
import java.util.List;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;

/** The packets of an Ogg file's first logical stream, in order, through JOgg's demuxer. */
final class OggPackets {
    private OggPackets() {
    }

    static boolean recognizes(byte[] file) {
        return Ascii.at(file, 0, "OggS");
    }

    static List<byte[]> read(byte[] file) throws UnreadableAudioException {
        SyncState sync = new SyncState();
        sync.init();
        int offset = sync.buffer(file.length);
        System.arraycopy(file, 0, sync.data, offset, file.length);
        sync.wrote(file.length);
        StreamState stream = null;
        int serial = 0;
        List<byte[]> packets = new ArrayList<>();
        Page page = new Page();
        Packet packet = new Packet();
        boolean ended = false;
        int result;
        while ((result = sync.pageout(page)) != 0) {
            if (result < 0) {
                continue; // a gap: jogg resynchronises on the next page
            }
            if (stream == null) {
                stream = new StreamState();
                serial = page.serialno();
                stream.init(serial);
            } else if (page.serialno() != serial) {
                continue; // another logical stream (e.g. video) multiplexed in
            }
            if (stream.pagein(page) < 0) {
                throw new UnreadableAudioException("The Ogg file has a damaged page.");
            }
            int got;
            while ((got = stream.packetout(packet)) != 0) {
                if (got > 0) {
                    byte[] bytes = new byte[packet.bytes];
                    System.arraycopy(packet.packet_base, packet.packet, bytes, 0, packet.bytes);
                    packets.add(bytes);
                }
            }
            ended |= page.eos() != 0;
        }
        if (packets.isEmpty()) {
            throw new UnreadableAudioException("The Ogg file holds no complete packet.");
        }
        if (!ended) {
            throw new UnreadableAudioException("The Ogg file is cut short: its last page never arrived.");
        }
        return packets;
    }
}
