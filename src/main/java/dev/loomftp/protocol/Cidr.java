package dev.loomftp.protocol;

import java.net.InetAddress;

/**
 * A network in CIDR notation, IPv4 ({@code 192.168.0.0/16}) or IPv6 ({@code fd00::/8}). An
 * address of the other family is never in it.
 *
 * @param network the address the network starts at, its bits past the prefix zero
 * @param prefix  how many leading bits every address of it shares
 */
public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("a prefix is from 0 to " + bits + ", not " + prefix);
        }
        byte[] start = network.getAddress();
        for (int bit = prefix; bit < bits; bit++) {
            if ((start[bit / 8] & 0x80 >>> bit % 8) != 0) {
                throw new IllegalArgumentException(DataAddress.text(network) + " has bits set past /" + prefix);
            }
        }
    }

    /**
     * Reads {@code 10.0.0.0/8} or {@code fd00::/8}; an address alone is a network of itself. Only
     * literals: nothing is looked up.
     *
     * @throws IllegalArgumentException when it is not one, with the reason
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (address.isEmpty() || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        InetAddress network = InetAddress.ofLiteral(address);
        int bits = network.getAddress().length * 8;
        int prefix = slash < 0 ? bits : prefixOf(text.substring(slash + 1));
        return new Cidr(network, prefix);
    }

    private static int prefixOf(String text) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("not a prefix length: " + text);
        }
        return Integer.parseInt(text);
    }

    /** Whether {@code address} is in this network. */
    public boolean contains(InetAddress address) {
        byte[] mine = network.getAddress();
        byte[] theirs = address.getAddress();
        if (mine.length != theirs.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit += 8) {
            int mask = prefix - bit >= 8 ? 0xff : 0xff << 8 - (prefix - bit) & 0xff;
            if ((mine[bit / 8] & mask) != (theirs[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return DataAddress.text(network) + "/" + prefix;
    }
}
