package io.nubicustos.gateway.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Whether a receiver's host may be called: by default only public addresses, so that whoever holds an API key cannot
 * make the gateway post to the cloud's metadata service, a Docker engine on {@code localhost:2375} or anything else on
 * its own network, and read the answers' status codes in the delivery log. The host is resolved when the delivery is
 * sent; every address it resolves to must be public. The sender's HTTP client resolves names with {@link #pinned}, which
 * applies the same check to the very addresses it then connects to: a name that answers a public address to the first
 * lookup and a private one to the next (DNS rebinding) gets nowhere.
 */
final class ReceiverAddresses {

    private ReceiverAddresses() {
    }

    /** Why the receiver is refused, or null when it may be called. */
    static String refusal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return "the URL names no host";
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            // why: a name that does not resolve now may later; the attempt fails and is retried like a refused connection
            return null;
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                return "refused: " + host + " resolves to " + address.getHostAddress() + ", a loopback, link-local or private address"
                        + " (set nubicustos.webhooks.allow-private-addresses=true to allow receivers on internal networks)";
            }
        }
        return null;
    }

    /** A resolver that refuses a name with any address that is not public; the client connects only to what it returns. */
    static org.apache.hc.client5.http.DnsResolver pinned() {
        return new org.apache.hc.client5.http.SystemDefaultDnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                InetAddress[] addresses = super.resolve(host);
                for (InetAddress address : addresses) {
                    if (!isPublic(address)) {
                        throw new UnknownHostException("refused: " + host + " resolves to " + address.getHostAddress()
                                + ", a loopback, link-local or private address, when connecting");
                    }
                }
                return addresses;
            }
        };
    }

    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            int first16 = ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
            int second16 = ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
            // fc00::/7 unique local; 64:ff9b::/96 and 64:ff9b:1::/48 NAT64 (they reach IPv4 addresses, private ones too);
            // 100::/64 discard; 2001:db8::/32 documentation; ::/96 IPv4-compatible
            if ((bytes[0] & 0xfe) == 0xfc || (first16 == 0x0064 && second16 == 0xff9b) || (first16 == 0x0100 && second16 == 0)
                    || (first16 == 0x2001 && second16 == 0x0db8) || allZero(bytes, 0, 12)) {
                return false;
            }
            // 2002::/16 6to4 carries an IPv4 address in its next 32 bits: it is public only when that one is
            if (first16 == 0x2002) {
                try {
                    return isPublic(InetAddress.getByAddress(new byte[] {bytes[2], bytes[3], bytes[4], bytes[5]}));
                } catch (java.net.UnknownHostException impossible) {
                    return false;
                }
            }
            return true;
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        int third = bytes[2] & 0xff;
        // 0.0.0.0/8; 100.64.0.0/10 carrier-grade NAT; 192.0.0.0/24 IETF protocol assignments; 192.0.2.0/24,
        // 198.51.100.0/24, 203.0.113.0/24 documentation; 198.18.0.0/15 benchmarking; 240.0.0.0/4 reserved (and broadcast)
        return !(first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 192 && second == 0 && (third == 0 || third == 2))
                || (first == 198 && (second == 18 || second == 19)) || (first == 198 && second == 51 && third == 100)
                || (first == 203 && second == 0 && third == 113) || first >= 240);
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
