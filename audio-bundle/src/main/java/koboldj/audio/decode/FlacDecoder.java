package koboldj.audio.decode;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/** FLAC, through jFLAC, which hands frames out as little-endian interleaved PCM of the stream's bit depth. */
final class FlacDecoder {
    private FlacDecoder() {
    }

    static boolean recognizes(byte[] file) {
        return Ascii.at(file, 0, "fLaC");
    }

    static DecodedAudio decode(byte[] file, double maxSeconds) throws UnreadableAudioException {
        MonoCollector mono = new MonoCollector(maxSeconds);
        FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(file));
        try {
            decoder.readMetadata();
            StreamInfo info = decoder.getStreamInfo();
            if (info == null) {
                throw new UnreadableAudioException("The FLAC file has no stream information block.");
            }
            int channels = info.getChannels();
            int bytesPerSample = (info.getBitsPerSample() + 7) / 8;
            if (channels < 1 || bytesPerSample < 1 || bytesPerSample > 4) {
                throw new UnreadableAudioException("The FLAC file claims " + channels + " channels of "
                        + info.getBitsPerSample() + " bits.");
            }
            mono.sampleRate(info.getSampleRate());
            float fullScale = (float) Math.pow(2, bytesPerSample * 8 - 1);
            ByteData pcm = new ByteData(0);
            Frame frame;
            while ((frame = decoder.readNextFrame()) != null) {
                pcm = decoder.decodeFrame(frame, pcm);
                byte[] bytes = pcm.getData();
                int frameBytes = channels * bytesPerSample;
                for (int i = 0; i + frameBytes <= pcm.getLen(); i += frameBytes) {
                    float sum = 0;
                    for (int c = 0; c < channels; c++) {
                        sum += littleEndian(bytes, i + c * bytesPerSample, bytesPerSample) / fullScale;
                    }
                    mono.add(sum / channels);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new UnreadableAudioException("The FLAC file is damaged or cut short: " + e.getMessage(), e);
        }
        return mono.finish("FLAC");
    }

    /** A signed sample of 1 to 4 bytes; 8-bit FLAC samples are signed, unlike WAV's. */
    private static int littleEndian(byte[] bytes, int offset, int size) {
        int value = 0;
        for (int b = 0; b < size; b++) {
            value |= (bytes[offset + b] & 0xFF) << (8 * b);
        }
        int unused = 32 - 8 * size;
        return value << unused >> unused;
    }
}
