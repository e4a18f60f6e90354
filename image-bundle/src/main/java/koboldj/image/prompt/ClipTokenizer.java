package koboldj.image.prompt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's tokenizer (the one Stable Diffusion 1.x and 2.x text encoders were trained with): whitespace collapsed and
 * text lowercased, split by CLIP's pattern, each piece's UTF-8 bytes mapped to printable characters, the last marked
 * {@code </w>}, then merged pair by pair in the order of the merges list. Immutable and thread-safe.
 */
public final class ClipTokenizer {

    public static final int START_OF_TEXT = 49406;
    public static final int END_OF_TEXT = 49407;
    /** The merges file's first line is a version header; CLIP uses the 48,894 merges after it. */
    private static final int MERGES = 49152 - 256 - 2;
    private static final int MAX_PIECE = 256;
    private static final String RESOURCE = "clip_bpe_simple_vocab_16e6.txt.gz";
    private static final Pattern PIECES = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private static volatile ClipTokenizer shared;

    private final char[] byteToChar = new char[256];
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<String, Integer> ranks = new HashMap<>();

    private ClipTokenizer(List<String> merges) {
        List<Integer> order = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            order.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            order.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            order.add(b);
        }
        int printable = order.size();
        for (int b = 0; b < 256; b++) {
            if (!order.contains(b)) {
                order.add(b);
            }
        }
        List<String> vocabulary = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            int b = order.get(i);
            byteToChar[b] = (char) (i < printable ? b : 256 + (i - printable));
            vocabulary.add(String.valueOf(byteToChar[b]));
        }
        for (int i = 0; i < 256; i++) {
            vocabulary.add(vocabulary.get(i) + "</w>");
        }
        for (int rank = 0; rank < merges.size(); rank++) {
            String merge = merges.get(rank);
            ranks.put(merge, rank);
            vocabulary.add(merge.replace(" ", ""));
        }
        vocabulary.add("<|startoftext|>");
        vocabulary.add("<|endoftext|>");
        for (int id = 0; id < vocabulary.size(); id++) {
            ids.put(vocabulary.get(id), id);
        }
    }

    /** The tokenizer, its merges read from the bundled resource once. */
    public static ClipTokenizer shared() {
        ClipTokenizer tokenizer = shared;
        if (tokenizer == null) {
            synchronized (ClipTokenizer.class) {
                if (shared == null) {
                    shared = new ClipTokenizer(readMerges());
                }
                tokenizer = shared;
            }
        }
        return tokenizer;
    }

    /** The token ids of {@code text}, without start and end tokens. */
    public int[] encode(String text) {
        String clean = WHITESPACE.matcher(text).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
        List<Integer> tokens = new ArrayList<>();
        Matcher pieces = PIECES.matcher(clean);
        while (pieces.find()) {
            StringBuilder mapped = new StringBuilder();
            for (byte b : pieces.group().getBytes(StandardCharsets.UTF_8)) {
                mapped.append(byteToChar[b & 0xFF]);
            }
            // Merging is quadratic in a piece's length; no real word comes near this, a hostile prompt would.
            for (int start = 0; start < mapped.length(); start += MAX_PIECE) {
                for (String symbol : merge(mapped.substring(start, Math.min(mapped.length(), start + MAX_PIECE)))) {
                    tokens.add(ids.get(symbol));
                }
            }
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One piece as symbols: characters, the last with {@code </w>}, merged lowest rank first until no pair ranks. */
    private List<String> merge(String piece) {
        List<String> word = new ArrayList<>();
        for (int i = 0; i < piece.length(); i++) {
            word.add(i == piece.length() - 1 ? piece.charAt(i) + "</w>" : String.valueOf(piece.charAt(i)));
        }
        while (word.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestFirst = null;
            String bestSecond = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer rank = ranks.get(word.get(i) + " " + word.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    bestFirst = word.get(i);
                    bestSecond = word.get(i + 1);
                }
            }
            if (bestFirst == null) {
                break;
            }
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(bestFirst) && word.get(i + 1).equals(bestSecond)) {
                    merged.add(bestFirst + bestSecond);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word;
    }

    private static List<String> readMerges() {
        try (InputStream raw = ClipTokenizer.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("the CLIP merges resource " + RESOURCE + " is missing from the bundle");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            lines.readLine();
            List<String> merges = new ArrayList<>(MERGES);
            for (int i = 0; i < MERGES; i++) {
                merges.add(lines.readLine());
            }
            return merges;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CLIP merges: " + e.getMessage(), e);
        }
    }
}
