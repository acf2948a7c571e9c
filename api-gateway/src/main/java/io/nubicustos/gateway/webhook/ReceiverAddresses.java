package io.nubicustos.gateway.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Whether a receiver's host may be called: by default only public addresses, so that whoever holds an API key cannot
 * make the gateway post to the cloud's metadata service, a Docker engine on {@code localhost:2375} or anything else on
 * its own network, and read the answers' status codes in the delivery log. The host is resolved when the delivery is
 * sent; every address it resolves to must be public. (The HTTP client resolves it again; a name that changes its
 * answer between the two is not caught here: restrict the gateway's egress where that matters.)
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

    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            // fc00::/7, unique local addresses
            return (bytes[0] & 0xfe) != 0xfc;
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        // 100.64.0.0/10 (carrier-grade NAT) and 0.0.0.0/8
        return !(first == 100 && second >= 64 && second < 128) && first != 0;
    }
}
