package dev.fsnap.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol: a page is
 * opened, and JavaScript evaluated in it as a user's clicks would run, its result returned as text.
 */
final class Chromium implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/chromium");

    private final Process browser;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final ConcurrentHashMap<Integer, CompletableFuture<String>> replies = new ConcurrentHashMap<>();

    /** @return why the browser cannot run here, or null when it can */
    static String unavailableReason() {
        return Files.isExecutable(BINARY) ? null : BINARY + " is missing (Debian: apt-get install chromium)";
    }

    /**
     * Starts the browser on a page.
     *
     * @param page the file to open
     */
    Chromium(Path page) throws IOException, InterruptedException {
        this(page.toUri());
    }

    /**
     * Starts the browser on a page, with a fragment if the address has one.
     *
     * @param page the address to open
     */
    Chromium(URI page) throws IOException, InterruptedException {
        profile = Files.createTempDirectory("fsnap-chromium-");
        browser = new ProcessBuilder(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Path active = profile.resolve("DevToolsActivePort");
        // The browser creates the file, then writes the port into it: wait for the lines, not the file.
        List<String> port = List.of();
        for (int i = 0; i < 300 && port.size() < 2; i++) {
            Thread.sleep(100);
            port = Files.exists(active) ? Files.readAllLines(active) : List.of();
        }
        if (port.size() < 2) {
            throw new IOException("the browser wrote no debugging port into " + active + " in 30 s");
        }
        HttpClient http = HttpClient.newHttpClient();
        String target = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get(0) + "/json/new?"
                + page)).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"").matcher(target);
        if (!m.find()) {
            throw new IOException("no page to drive: " + target);
        }
        socket = http.newWebSocketBuilder().buildAsync(URI.create(m.group(1)), new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    String text = message.toString();
                    message.setLength(0);
                    Matcher id = Pattern.compile("^\\{\"id\":(\\d+),").matcher(text);
                    if (id.find()) {
                        CompletableFuture<String> f = replies.remove(Integer.parseInt(id.group(1)));
                        if (f != null) {
                            f.complete(text);
                        }
                    }
                }
                ws.request(1);
                return null;
            }
        }).join();
    }

    /**
     * Evaluates an expression in the page, awaiting it when it is a promise.
     *
     * @param expression JavaScript whose value is a string
     * @return the value
     */
    String eval(String expression) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<String> reply = new CompletableFuture<>();
        replies.put(id, reply);
        socket.sendText("{\"id\":" + id + ",\"method\":\"Runtime.evaluate\",\"params\":{\"expression\":"
                + quote(expression) + ",\"returnByValue\":true,\"awaitPromise\":true}}", true).join();
        String text = reply.get(30, TimeUnit.SECONDS);
        Matcher value = Pattern.compile("\"value\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(text);
        if (!value.find()) {
            throw new IllegalStateException("no string from " + expression + ": " + text);
        }
        return unescape(value.group(1));
    }

    /**
     * Waits until the page says it is ready ({@code data-ready-ms} on its body).
     *
     * @return how long the page took from navigation to ready, in milliseconds, as it measured it
     */
    long awaitReady(Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            // Until the page replaces about:blank, there is a body without the attribute (null).
            String ready = eval("String((document.body && document.body.getAttribute('data-ready-ms')) || '')");
            if (!ready.isEmpty()) {
                return Long.parseLong(ready);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the page was not ready within " + limit);
    }

    /** A JSON string's content as text. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        browser.descendants().forEach(ProcessHandle::destroyForcibly);
        browser.destroyForcibly();
        try {
            browser.waitFor(10, TimeUnit.SECONDS);
            CliTest.sh("rm -rf \"$1\"", profile.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
