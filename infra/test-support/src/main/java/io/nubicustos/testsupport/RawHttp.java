package io.nubicustos.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;

/**
 * HTTP/1.1 over a plain socket, so a test can send a request line exactly as written: percent-encoded
 * letters, {@code ;} parameters, repeated slashes, dot segments, backslashes. (Java's HTTP client and
 * {@code URI} normalize or refuse some of them, which would hide what a server does with them.)
 */
public final class RawHttp {

    private RawHttp() {
    }

    public record Response(int status, Map<String, String> headers, String body) {
    }

    public static Response send(int port, String method, String rawTarget, Map<String, String> headers, byte[] body) {
        return sendFrom("127.0.0.1", port, method, rawTarget, headers, body);
    }

    /**
     * As {@link #send}, from the given local address: any of {@code 127.0.0.0/8} reaches a server on
     * loopback, so one test can be several clients.
     */
    public static Response sendFrom(String localAddress, int port, String method, String rawTarget, Map<String, String> headers,
                                    byte[] body) {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(localAddress), 0)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n")
                    .append("Host: localhost\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null && !headers.containsKey("Transfer-Encoding")) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("request " + method + " " + rawTarget + " failed", e);
        }
    }

    /**
     * Sends the request line and headers (and {@code bodyStart}, not the whole body the headers announce), then
     * waits at most {@code timeout} for the answer: for checking that a server answers without reading a body.
     */
    public static Response sendHeadFirst(int port, String method, String rawTarget, Map<String, String> headers, byte[] bodyStart,
                                         Duration timeout) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            StringBuilder head = new StringBuilder(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n")
                    .append("Host: localhost\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bodyStart);
            out.flush();
            return readOneResponse(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("no answer to " + method + " " + rawTarget + " within " + timeout, e);
        }
    }

    /** Reads one response, as far as its headers say it goes (not to the end of the connection, which may stay open). */
    private static Response readOneResponse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            all.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String head = all.toString(StandardCharsets.ISO_8859_1);
        long length = 0;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (!body.toString(StandardCharsets.ISO_8859_1).endsWith("0\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                body.write(b);
            }
            all.writeBytes(body.toByteArray());
        } else {
            all.writeBytes(in.readNBytes((int) length));
        }
        return read(new ByteArrayInputStream(all.toByteArray()));
    }

    public static Response get(int port, String rawTarget, Map<String, String> headers) {
        return send(port, "GET", rawTarget, headers, null);
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] raw = end < 0 ? new byte[0] : Arrays.copyOfRange(all.toByteArray(), end + 4, all.size());
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            raw = dechunk(raw);
        }
        return new Response(status, headers, new String(raw, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] raw) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (at < raw.length) {
            int lineEnd = indexOf(raw, at);
            if (lineEnd < 0) {
                break;
            }
            String sizeLine = new String(raw, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            body.write(raw, lineEnd + 2, Math.min(size, raw.length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return body.toByteArray();
    }

    private static int indexOf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
