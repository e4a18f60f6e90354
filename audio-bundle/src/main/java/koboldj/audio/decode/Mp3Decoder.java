package koboldj.audio.decode;

import java.io.ByteArrayInputStream;

import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

/** MPEG audio layers I–III (MP3), through JLayer. */
final class Mp3Decoder {
    private Mp3Decoder() {
    }

    /** An ID3v2 tag or an MPEG frame sync with a valid layer. */
    static boolean recognizes(byte[] file) {
        if (Ascii.at(file, 0, "ID3")) {
            return true;
        }
        return file.length >= 2 && (file[0] & 0xFF) == 0xFF && (file[1] & 0xE0) == 0xE0 && (file[1] & 0x06) != 0;
    }

    static DecodedAudio decode(byte[] file, double maxSeconds) throws UnreadableAudioException {
        MonoCollector mono = new MonoCollector(maxSeconds);
        Bitstream stream = new Bitstream(new ByteArrayInputStream(file));
        Decoder decoder = new Decoder();
        try {
            Header header;
            while ((header = stream.readFrame()) != null) {
                SampleBuffer pcm = (SampleBuffer) decoder.decodeFrame(header, stream);
                mono.sampleRate(decoder.getOutputFrequency());
                mono.addInterleaved(pcm.getBuffer(), pcm.getBufferLength(), decoder.getOutputChannels());
                stream.closeFrame();
            }
        } catch (BitstreamException | DecoderException | RuntimeException e) {
            throw new UnreadableAudioException("The MP3 file is damaged or cut short: " + e.getMessage(), e);
        }
        return mono.finish("MP3");
    }
}
