package koboldj.websearch.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Address literals only: nothing here resolves a name or opens a connection. */
class AddressPolicyTest {

    @ParameterizedTest
    @CsvSource({
        "0.0.0.0, unspecified", "0.1.2.3, unspecified",
        "127.0.0.1, loopback", "127.255.255.254, loopback",
        "10.0.0.1, private", "10.255.255.255, private", "172.16.0.1, private", "172.31.255.255, private",
        "192.168.0.1, private", "100.64.0.1, private", "100.127.255.255, private",
        "169.254.169.254, link-local", "169.254.0.1, link-local",
        "224.0.0.1, multicast", "239.255.255.250, multicast",
        "240.0.0.1, reserved", "255.255.255.255, broadcast", "192.0.0.8, reserved", "198.18.0.1, reserved",
        "::, unspecified", "::1, loopback", "fe80::1, link-local", "febf::1, link-local",
        "fc00::1, private", "fd12:3456::1, private", "fec0::1, private",
        "ff02::1, multicast", "ff05::1:3, multicast",
        "::127.0.0.1, loopback", "::10.1.2.3, private",
        "64:ff9b::a00:1, private", "64:ff9b::7f00:1, loopback",
        "2002:a9fe:a9fe::1, link-local", "2002:7f00:1::, loopback"
    })
    void refusesEveryLocalRange(String literal, String reason) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(literal);
        String refusal = AddressPolicy.strict().refusal(address).orElseThrow(() -> new AssertionError(literal + " was allowed"));
        assertTrue(refusal.contains(reason), literal + ": " + refusal);
        assertTrue(AddressPolicy.allowingLocal().refusal(address).isEmpty(), "--websearchallowlocal allows " + literal);
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1, loopback", "10.9.8.7, private", "169.254.169.254, link-local", "192.168.1.1, private",
        "0.0.0.0, unspecified", "224.0.0.251, multicast", "8.8.8.8, "})
    void looksInsideIpv4MappedIpv6(String ipv4, String reason) throws UnknownHostException {
        // Java turns ::ffff:a.b.c.d into an Inet4Address when it parses it; a resolver may hand
        // over the IPv6 form itself, so it is built byte by byte here
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName(ipv4).getAddress(), 0, mapped, 12, 4);
        Inet6Address address = Inet6Address.getByAddress(null, mapped, -1);
        if (reason == null) {
            assertTrue(AddressPolicy.strict().refusal(address).isEmpty(), address.toString());
        } else {
            assertTrue(AddressPolicy.strict().refusal(address).orElseThrow().contains(reason), address.toString());
        }
        assertTrue(AddressPolicy.strict().refusal(InetAddress.getByName("::ffff:" + ipv4)).isPresent() == (reason != null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.215.14", "172.15.255.255", "172.32.0.1", "100.63.255.255",
        "100.128.0.1", "169.253.255.255", "192.169.0.1", "223.255.255.255", "2001:4860:4860::8888", "2606:4700::1111",
        "2002:808:808::1", "64:ff9b::808:808"})
    void allowsPublicAddresses(String literal) throws UnknownHostException {
        assertTrue(AddressPolicy.strict().refusal(InetAddress.getByName(literal)).isEmpty(), literal);
    }

    @Test
    void aRefusalNamesTheHostTheAddressAndWhy() throws UnknownHostException {
        InetAddress address = InetAddress.getByName("10.0.0.7");
        RefusedAddressException refused = assertThrows(RefusedAddressException.class,
                () -> AddressPolicy.strict().check("intranet.example", address));
        assertEquals("intranet.example (10.0.0.7) is a private address", refused.getMessage());
        assertEquals("10.0.0.7 is a private address",
                assertThrows(RefusedAddressException.class, () -> AddressPolicy.strict().check("10.0.0.7", address)).getMessage());
    }

    @Test
    void theResolverRefusesANameWhenAnyOfItsAddressesIsRefused() {
        // "localhost" is answered from the hosts file, without DNS traffic
        RefusedAddressException refused = assertThrows(RefusedAddressException.class,
                () -> new CheckedDnsResolver(AddressPolicy.strict()).resolve("localhost"));
        assertTrue(refused.getMessage().startsWith("localhost ("), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("is a loopback address"), refused.getMessage());
    }
}
