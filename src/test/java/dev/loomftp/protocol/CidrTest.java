package dev.loomftp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

    @ParameterizedTest(name = "{1} in {0}: {2}")
    @CsvSource({
        "192.168.0.0/16, 192.168.77.3, true",
        "192.168.0.0/16, 192.169.0.1, false",
        "10.1.2.0/23, 10.1.3.255, true",
        "10.1.2.0/23, 10.1.4.0, false",
        "0.0.0.0/0, 203.0.113.9, true",
        "0.0.0.0/0, ::1, false",
        "127.0.0.1, 127.0.0.1, true",
        "127.0.0.1, 127.0.0.2, false",
        "fd00::/8, fd12:3456::1, true",
        "fd00::/8, fe80::1, false",
        "2001:db8::/33, 2001:db8:7fff::1, true",
        "2001:db8::/33, 2001:db8:8000::1, false",
        "::/0, 10.0.0.1, false"})
    void holdsTheAddressesOfItsPrefix(String network, String address, boolean inside) {
        assertEquals(inside, Cidr.parse(network).contains(InetAddress.ofLiteral(address)));
    }

    @ParameterizedTest
    @CsvSource({"192.168.0.0/33", "192.168.0.1/16", "192.168.0.0/", "example.com/8", "10.0.0.0/-1", "/8", "10.0.0.0/1a"})
    void refusesWhatIsNotANetwork(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/8", "fd00::/8", "127.0.0.1/32"})
    void printsAsItIsWritten(String text) {
        assertEquals(text, Cidr.parse(text).toString());
        assertFalse(text.isEmpty());
        assertTrue(Cidr.parse(text).contains(Cidr.parse(text).network()));
    }
}
