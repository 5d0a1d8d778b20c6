import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two programs the browser tests drive: Chromium and its WebDriver server.
struct BrowserTools: Sendable {
    let chromium: String
    let chromedriver: String

    /// Chromium and chromedriver from the PATH (Debian's `chromium` and `chromium-driver`), or nil.
    static let found: BrowserTools? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        func which(_ names: [String]) -> String? {
            for name in names {
                for dir in path.split(separator: ":") {
                    let candidate = "\(dir)/\(name)"
                    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                }
            }
            return nil
        }
        guard let chromium = which(["chromium", "chromium-browser", "google-chrome"]),
              let driver = which(["chromedriver"]) else { return nil }
        return BrowserTools(chromium: chromium, chromedriver: driver)
    }()

    /// Whether the browser tests run here: the tools are installed, or they could have been — CI
    /// (`CI` set) or root with apt-get, where `scripts/install-deps` installs both — so that a
    /// missing browser fails the test there instead of skipping it.
    static var shouldRun: Bool {
        found != nil || ProcessInfo.processInfo.environment["CI"] != nil
            || (getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get"))
    }
}

/// An error from the WebDriver conversation: the command and what the server said.
struct WebDriverError: Error, CustomStringConvertible {
    let description: String
}

/// A chromedriver process on a free loopback port, and one headless Chromium session in it,
/// spoken to in W3C WebDriver (HTTP + JSON, by ``LoopbackHTTP``) with chromedriver's extensions
/// for the browser log and the DevTools commands. Every call blocks until the browser answers.
///
/// ```swift
/// let browser = try WebDriver.start(tools)
/// defer { browser.stop() }
/// try browser.navigate(to: url)
/// let title = try browser.execute("return document.title") as? String
/// ```
final class WebDriver {
    private let process: Process
    private let port: Int
    private let session: String

    private init(process: Process, port: Int, session: String) {
        self.process = process
        self.port = port
        self.session = session
    }

    /// Starts chromedriver, waits until it answers, and opens a headless Chromium session.
    static func start(_ tools: BrowserTools) throws -> WebDriver {
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tools.chromedriver)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        do {
            var ready = false
            for _ in 0..<200 where !ready {
                if let status = try? request(port, "GET", "/status", nil),
                   let value = status as? [String: Any], value["ready"] as? Bool == true {
                    ready = true
                } else {
                    usleep(100_000)
                }
            }
            guard ready else { throw WebDriverError(description: "chromedriver did not answer on port \(port) within 20 s") }
            // --no-sandbox: containers (and root) lack the user namespaces the sandbox needs.
            let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
                "browserName": "chrome",
                "goog:chromeOptions": [
                    "binary": tools.chromium,
                    "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--no-first-run", "--disable-extensions", "--force-device-scale-factor=1",
                             "--window-size=1440,1000"],
                ],
                "goog:loggingPrefs": ["browser": "ALL"],
            ] as [String: Any]]]
            let created = try request(port, "POST", "/session", capabilities)
            guard let session = (created as? [String: Any])?["sessionId"] as? String else {
                throw WebDriverError(description: "chromedriver opened no session: \(String(describing: created))")
            }
            return WebDriver(process: process, port: port, session: session)
        } catch {
            end(process, port: port)
            throw error
        }
    }

    /// Closes the browser and ends chromedriver.
    func stop() {
        _ = try? command("DELETE", "")
        Self.end(process, port: port)
    }

    /// Asks chromedriver to shut down (it may outlive SIGTERM), then kills it if it is still there after 5 s.
    private static func end(_ process: Process, port: Int) {
        _ = try? LoopbackHTTP.request(port: port, method: "GET", path: "/shutdown", json: nil)
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    // MARK: - Commands

    func navigate(to url: URL) throws {
        _ = try command("POST", "/url", ["url": url.absoluteString])
    }

    /// Runs `script` (a function body; `arguments[i]` are `arguments`) in the page and returns its result.
    func execute(_ script: String, _ arguments: [Any] = []) throws -> Any {
        try command("POST", "/execute/sync", ["script": script, "args": arguments])
    }

    /// The elements matching a CSS selector, as WebDriver element references.
    func elements(_ css: String) throws -> [String] {
        let found = try command("POST", "/elements", ["using": "css selector", "value": css])
        return (found as? [[String: Any]] ?? []).compactMap { $0.values.first as? String }
    }

    /// A real click (pointer events at the element's centre, scrolled into view first).
    func click(element: String) throws {
        _ = try command("POST", "/element/\(element)/click", [String: Any]())
    }

    /// A PNG of one element.
    func screenshot(element: String) throws -> Data {
        guard let base64 = try command("GET", "/element/\(element)/screenshot") as? String,
              let data = Data(base64Encoded: base64) else { throw WebDriverError(description: "no screenshot") }
        return data
    }

    /// The viewport `width` × `height` CSS pixels (scale 1), for screen or print media.
    func emulate(width: Int, height: Int, print: Bool) throws {
        try devTools("Emulation.setDeviceMetricsOverride",
                           ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false])
        try devTools("Emulation.setEmulatedMedia", ["media": print ? "print" : "screen"])
    }

    /// The browser console entries since the last call: (level, message).
    func consoleLog() throws -> [(level: String, message: String)] {
        let entries = try command("POST", "/se/log", ["type": "browser"]) as? [[String: Any]] ?? []
        return entries.map { (($0["level"] as? String) ?? "", ($0["message"] as? String) ?? "") }
    }

    private func devTools(_ name: String, _ parameters: [String: Any]) throws {
        _ = try command("POST", "/goog/cdp/execute", ["cmd": name, "params": parameters])
    }

    private func command(_ method: String, _ path: String, _ body: Any? = nil) throws -> Any {
        try Self.request(port, method, "/session/\(session)" + path, body)
    }

    // MARK: - HTTP

    /// One WebDriver call: the response's `value`, or the server's error as a ``WebDriverError``.
    private static func request(_ port: Int, _ method: String, _ path: String, _ body: Any?) throws -> Any {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let (status, data) = try LoopbackHTTP.request(port: port, method: method, path: path, json: payload)
        let json = data.isEmpty ? nil : try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        let value = (json as? [String: Any])?["value"] ?? NSNull()
        if status >= 400 {
            let error = (value as? [String: Any]).map { "\($0["error"] ?? ""): \($0["message"] ?? "")" } ?? "\(value)"
            throw WebDriverError(description: "\(method) \(path) → HTTP \(status): \(error.prefix(600))")
        }
        return value
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, released).
    private static func freeLoopbackPort() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw WebDriverError(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw WebDriverError(description: "could not bind a loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
