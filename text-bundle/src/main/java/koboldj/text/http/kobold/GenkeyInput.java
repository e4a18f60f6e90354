package koboldj.text.http.kobold;

/** A body naming a generation by the genkey its request carried. */
public class GenkeyInput {
    public String genkey;
}
