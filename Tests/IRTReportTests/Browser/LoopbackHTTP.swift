import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTTP/1.1 to a server on 127.0.0.1, one blocking request per connection (`Connection: close`):
/// all chromedriver needs, without an HTTP stack (URLSession's async calls could stall on Linux).
enum LoopbackHTTP {
    /// How long one request may wait for the server (a page load under a loaded machine included).
    static let timeoutSeconds = 180

    /// Sends `method path` with an optional JSON body; returns the status code and the body.
    static func request(port: Int, method: String, path: String, json: Data?) throws -> (status: Int, body: Data) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw WebDriverError(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw WebDriverError(description: "cannot connect to 127.0.0.1:\(port): errno \(errno)") }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let json { head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(json.count)\r\n" }
        else if method == "POST" { head += "Content-Length: 0\r\n" }
        var message = Data((head + "\r\n").utf8)
        if let json { message.append(json) }
        try message.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var sent = 0
            while sent < bytes.count {
                let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, 0)
                guard n > 0 else { throw WebDriverError(description: "\(method) \(path): send failed, errno \(errno)") }
                sent += n
            }
        }

        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { break }
            guard n > 0 else {
                throw WebDriverError(description: "\(method) \(path): no answer within \(timeoutSeconds) s (errno \(errno))")
            }
            response.append(contentsOf: buffer[0..<n])
            // The server may keep the connection open despite `Connection: close`: stop at the body's end.
            if isComplete(response) { break }
        }
        return try parse(response, method: method, path: path)
    }

    /// Whether `response` holds its whole body: as long as its Content-Length, or a chunked body's last chunk.
    static func isComplete(_ response: Data) -> Bool {
        guard let split = response.firstRange(of: Data("\r\n\r\n".utf8)),
              let head = String(data: response[..<split.lowerBound], encoding: .utf8)?.lowercased() else { return false }
        let body = response.count - split.upperBound
        if let line = head.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
           let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) {
            return body >= length
        }
        if head.contains("transfer-encoding: chunked") { return response.suffix(5) == Data("0\r\n\r\n".utf8) }
        return false
    }

    /// The status code and body of a complete response (fixed length, chunked, or up to the end).
    static func parse(_ response: Data, method: String, path: String) throws -> (status: Int, body: Data) {
        guard let split = response.firstRange(of: Data("\r\n\r\n".utf8)),
              let head = String(data: response[..<split.lowerBound], encoding: .utf8) else {
            throw WebDriverError(description: "\(method) \(path): not an HTTP response")
        }
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw WebDriverError(description: "\(method) \(path): bad status line \(lines[0])")
        }
        let headers = Dictionary(lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }, uniquingKeysWith: { $1 })
        var body = Data(response[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            var decoded = Data()
            var rest = body[...]
            while let lineEnd = rest.firstRange(of: Data("\r\n".utf8)),
                  let sizeText = String(data: rest[..<lineEnd.lowerBound], encoding: .ascii),
                  let size = Int(sizeText.split(separator: ";")[0].trimmingCharacters(in: .whitespaces), radix: 16),
                  size > 0 {
                let start = lineEnd.upperBound
                guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
                let end = rest.index(start, offsetBy: size)
                decoded.append(rest[start..<end])
                rest = rest[Swift.min(rest.endIndex, rest.index(end, offsetBy: 2, limitedBy: rest.endIndex) ?? rest.endIndex)...]
            }
            body = decoded
        } else if let length = headers["content-length"].flatMap({ Int($0) }), length < body.count {
            body = body.prefix(length)
        }
        return (status, body)
    }
}
