import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An RFC 4180 reader that works on the UTF-8 bytes of a file.
///
/// What it accepts:
/// - fields separated by `,`, records ended by LF, CRLF or a bare CR (the
///   line ending of classic Mac OS, which Python's `csv` module and most
///   RFC 4180 readers also accept); the last record may or may not end with a
///   line break;
/// - quoted fields (`"…"`) holding commas, line breaks and doubled quotes
///   (`""` stands for one `"`);
/// - a leading UTF-8 byte-order mark, which is dropped;
/// - empty cells, kept as `""`;
/// - completely blank lines at the end of the file, which are ignored
///   (a blank line in the middle is a one-field row, hence ragged);
/// - header names with surrounding spaces or tabs (` lm_eval/a/bpb `), which
///   are trimmed, so the column is found under its name; data cells are kept
///   as written.
///
/// A byte sequence that is not UTF-8 (a file saved as Latin-1 or Windows-1252)
/// is an error naming the line, the column and the byte
/// (``AnalysisError/invalidUTF8(file:line:column:byte:)``).
///
/// A `"` inside an unquoted field is kept as data (as most CSV writers and
/// readers do); after a closing quote only `,`, a line break or the end of
/// the file may follow.
///
/// The scanner walks a `Span<UInt8>` once and creates one `String` per field,
/// validating its UTF-8 as it goes.
public enum CSVReader {
    /// Reads and parses the file at `url`.
    ///
    /// - Parameter url: a file URL; `url.lastPathComponent` names the file in errors.
    /// - Returns: the header and the rows with their line numbers.
    /// - Throws: ``AnalysisError/unreadableFile(file:reason:)`` when the file
    ///   cannot be read or is not valid UTF-8, and every error of
    ///   ``parse(_:source:)-(Span<UInt8>,_)``.
    /// - Complexity: O(b) in the file size b.
    public static func read(contentsOf url: URL) throws(AnalysisError) -> CSVTable {
        let source = url.lastPathComponent
        return try withFileBytes(contentsOf: url) { bytes throws(AnalysisError) in try parse(bytes, source: source) }
    }

    /// Reads the file at `url` and calls `body` with its bytes, with the same
    /// errors as ``read(contentsOf:)`` for a file that cannot be read.
    ///
    /// A regular file is memory-mapped where the platform allows it and never
    /// copied into a second buffer, so reading a file of b bytes holds b bytes,
    /// not 2b. A pipe, FIFO or character device is read as a stream.
    static func withFileBytes<R>(
        contentsOf url: URL, _ body: (Span<UInt8>) throws(AnalysisError) -> R
    ) throws(AnalysisError) -> R {
        try withBytes(of: contents(of: url), body)
    }

    /// The bytes of the file at `url`.
    ///
    /// - A regular file is memory-mapped where the platform allows it.
    /// - A named pipe (FIFO), a process substitution such as `<(gunzip -c sweep.csv.gz)`
    ///   (`/dev/fd/N`) or a character device is read as a stream until its end,
    ///   so `/dev/null` reads as an empty file.
    ///
    /// - Parameter url: a file URL; `url.lastPathComponent` names the file in errors.
    /// - Throws: ``AnalysisError/unreadableFile(file:reason:)`` when there is no such file,
    ///   it is a directory, or it cannot be opened or read (with the system's reason).
    public static func contents(of url: URL) throws(AnalysisError) -> Data {
        let source = url.lastPathComponent
        let path = url.path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw .unreadableFile(file: source, reason: code == ENOENT
                ? "no such file: \(path)"
                : "\(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw .unreadableFile(file: source, reason: "\(path): \(String(cString: strerror(errno)))")
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            throw .unreadableFile(file: source, reason: "\(path) is a directory; expected a file")
        case S_IFREG:
            do {
                return try Data(contentsOf: url, options: .mappedIfSafe)
            } catch {
                throw .unreadableFile(file: source, reason: "\(path): \(error.localizedDescription)")
            }
        default:
            var data = Data()
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if count == 0 { return data }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw .unreadableFile(file: source, reason: "\(path): \(String(cString: strerror(errno)))")
                }
                data.append(contentsOf: chunk[0..<count])
            }
        }
    }

    /// `body` over the bytes of `data`, without copying them.
    static func withBytes<R>(of data: Data, _ body: (Span<UInt8>) throws(AnalysisError) -> R) throws(AnalysisError) -> R {
        let result: Result<R, AnalysisError> = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let span = Span(_unsafeElements: bytes)
            do throws(AnalysisError) { return .success(try body(span)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses CSV text.
    ///
    /// - Parameters:
    ///   - text: the whole file.
    ///   - source: the file name used in error messages.
    /// - Throws: as ``parse(_:source:)-(Span<UInt8>,_)``.
    /// - Complexity: O(b) in the UTF-8 size b of `text`.
    public static func parse(_ text: String, source: String) throws(AnalysisError) -> CSVTable {
        let bytes = Array(text.utf8)
        return try parse(bytes.span, source: source)
    }

    /// Parses the UTF-8 bytes of a CSV file.
    ///
    /// - Parameters:
    ///   - bytes: the whole file, optionally starting with a UTF-8 BOM.
    ///   - source: the file name used in error messages.
    /// - Returns: the header and the data rows, each row with the 1-based line it starts on.
    /// - Throws:
    ///   - ``AnalysisError/emptyFile(file:)`` when there are no bytes, or only whitespace;
    ///   - ``AnalysisError/invalidUTF8(file:line:column:byte:)`` when a field is not valid UTF-8;
    ///   - ``AnalysisError/malformedCSV(file:line:reason:)`` for a quoted field that is never closed
    ///     (names the line where it opens) or a closing quote followed by other text;
    ///   - ``AnalysisError/duplicateColumn(file:column:)`` when a header name repeats;
    ///   - ``AnalysisError/raggedRow(file:line:expected:actual:)`` for a row with another field count than the header;
    ///   - ``AnalysisError/headerOnly(file:)`` when no data row follows the header.
    /// - Complexity: O(b) time in the number of bytes b; one `String` per field.
    public static func parse(_ bytes: Span<UInt8>, source: String) throws(AnalysisError) -> CSVTable {
        var header: [String] = []
        var rows: [[String]] = []
        var lines: [Int] = []
        try scan(bytes, source: source, header: { header = $0 }, row: { fields, line in
            rows.append(fields)
            lines.append(line)
        })
        return CSVTable(header: header, rows: rows, lines: lines)
    }

    /// The streaming form of ``parse(_:source:)-(Span<UInt8>,_)``: the same checks and errors,
    /// but each record is handed to `row` (with its 1-based starting line) as
    /// soon as it is read, so no table of every cell is ever built.
    ///
    /// - Parameters:
    ///   - header: called once with the (unique) header names before any row.
    ///   - row: called per data row, in file order; every row has `header.count` fields.
    /// - Throws: as ``parse(_:source:)-(Span<UInt8>,_)``, and whatever `header` or `row` throws.
    static func scan(
        _ bytes: Span<UInt8>, source: String,
        header onHeader: ([String]) throws(AnalysisError) -> Void,
        row onRow: ([String], Int) throws(AnalysisError) -> Void
    ) throws(AnalysisError) {
        var scanner = Scanner(source: source)
        // A UTF-8 byte-order mark is not part of the first header name.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { scanner.position = 3 }
        if scanner.isBlank(bytes) { throw .emptyFile(file: source) }

        guard let (rawHeader, _, _) = try scanner.nextRecord(bytes) else { throw .emptyFile(file: source) }
        // " lm_eval/a/bpb " is the column lm_eval/a/bpb: spaces around a name are never meant.
        let header = rawHeader.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>(minimumCapacity: header.count)
        for name in header where !seen.insert(name).inserted {
            throw .duplicateColumn(file: source, column: name)
        }

        try onHeader(header)
        var rowCount = 0
        // Blank lines are held back: dropped if nothing but blank lines follows them.
        var pendingBlank: [Int] = []
        while let (fields, line, isBlank) = try scanner.nextRecord(bytes) {
            if isBlank {
                pendingBlank.append(line)
                continue
            }
            for blankLine in pendingBlank {
                // A blank line between rows is one empty field: a row of a one-column file, ragged otherwise.
                guard header.count == 1 else {
                    throw .raggedRow(file: source, line: blankLine, expected: header.count, actual: 1)
                }
                try onRow([""], blankLine)
                rowCount += 1
            }
            pendingBlank.removeAll()
            guard fields.count == header.count else {
                throw .raggedRow(file: source, line: line, expected: header.count, actual: fields.count)
            }
            try onRow(fields, line)
            rowCount += 1
        }
        if rowCount == 0 { throw .headerOnly(file: source) }
    }
}

// MARK: - The byte scanner

private let comma: UInt8 = 0x2C
private let quote: UInt8 = 0x22
private let lineFeed: UInt8 = 0x0A
private let carriageReturn: UInt8 = 0x0D

/// The state of one pass over the bytes: position and current 1-based line.
///
/// The bytes are passed to every method rather than stored, so that the
/// scanner stays an ordinary (escapable) value while reading a `Span`.
private struct Scanner {
    let source: String
    var position = 0
    var line = 1

    /// Whether every byte from `position` on is ASCII whitespace.
    func isBlank(_ bytes: Span<UInt8>) -> Bool {
        var i = position
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, lineFeed, carriageReturn, 0x0B, 0x0C: i += 1
            default: return false
            }
        }
        return true
    }

    /// How a field ended.
    enum Terminator { case comma, lineBreak, endOfFile }

    /// The next record, the line it starts on and whether that line is
    /// completely blank (no byte before its line break); `nil` at the end of the bytes.
    mutating func nextRecord(_ bytes: Span<UInt8>) throws(AnalysisError) -> (fields: [String], line: Int, isBlank: Bool)? {
        guard position < bytes.count else { return nil }
        let start = line
        let startPosition = position
        var fields: [String] = []
        while true {
            let (field, terminator) = try nextField(bytes)
            fields.append(field)
            if terminator != .comma { break }
        }
        let isBlank = fields.count == 1 && fields[0].isEmpty
            && (bytes[startPosition] == lineFeed || bytes[startPosition] == carriageReturn)
        return (fields, start, isBlank)
    }

    /// Consumes a line break (LF, CRLF or a bare CR) at `position` if there is one.
    mutating func consumeLineBreak(_ bytes: Span<UInt8>) -> Bool {
        let n = bytes.count
        if position < n, bytes[position] == lineFeed {
            position += 1
        } else if position < n, bytes[position] == carriageReturn {
            position += position + 1 < n && bytes[position + 1] == lineFeed ? 2 : 1
        } else {
            return false
        }
        line += 1
        return true
    }

    /// Reads one field starting at `position` and the delimiter after it.
    mutating func nextField(_ bytes: Span<UInt8>) throws(AnalysisError) -> (String, Terminator) {
        let n = bytes.count
        if position < n, bytes[position] == quote {
            return try nextQuotedField(bytes)
        }
        let start = position
        var i = position
        while i < n {
            let b = bytes[i]
            if b == comma || b == lineFeed || b == carriageReturn { break }
            i += 1
        }
        let field = try string(bytes, start..<i)
        position = i
        if i == n { return (field, .endOfFile) }
        if bytes[i] == comma {
            position += 1
            // "a,b," at the very end of the file: the empty last field still counts.
            return (field, .comma)
        }
        _ = consumeLineBreak(bytes)
        return (field, .lineBreak)
    }

    /// Reads a quoted field; `position` is on the opening quote.
    mutating func nextQuotedField(_ bytes: Span<UInt8>) throws(AnalysisError) -> (String, Terminator) {
        let n = bytes.count
        let openingLine = line
        let openingPosition = position
        var i = position + 1
        var segmentStart = i
        var unescaped: [UInt8] = []   // used only once a doubled quote is seen
        var hasEscapes = false
        while true {
            guard i < n else {
                throw .malformedCSV(
                    file: source, line: openingLine,
                    reason: "a quoted field opened on this line is never closed; expected a closing \"")
            }
            let b = bytes[i]
            if b == quote {
                if i + 1 < n, bytes[i + 1] == quote {
                    // A doubled quote stands for one quote character.
                    hasEscapes = true
                    append(bytes, segmentStart..<(i + 1), to: &unescaped)
                    i += 2
                    segmentStart = i
                    continue
                }
                break
            }
            // A line break inside the field: LF, CRLF (counted at its LF) or a bare CR.
            if b == lineFeed || (b == carriageReturn && (i + 1 == n || bytes[i + 1] != lineFeed)) { line += 1 }
            i += 1
        }
        let field: String
        if hasEscapes {
            append(bytes, segmentStart..<i, to: &unescaped)
            // Quotes are ASCII: the unescaped bytes are valid UTF-8 exactly when the raw ones are.
            guard let text = try? string(unescaped.span) else {
                throw invalidUTF8(bytes, (openingPosition + 1)..<i)
            }
            field = text
        } else {
            field = try string(bytes, segmentStart..<i)
        }
        position = i + 1   // past the closing quote
        if position == n { return (field, .endOfFile) }
        if bytes[position] == comma {
            position += 1
            return (field, .comma)
        }
        if consumeLineBreak(bytes) { return (field, .lineBreak) }
        throw .malformedCSV(
            file: source, line: line,
            reason: "unexpected text after a closing quote; expected a comma or the end of the line")
    }

    func append(_ bytes: Span<UInt8>, _ range: Range<Int>, to buffer: inout [UInt8]) {
        for k in range { buffer.append(bytes[k]) }
    }

    func string(_ bytes: Span<UInt8>, _ range: Range<Int>) throws(AnalysisError) -> String {
        if range.isEmpty { return "" }
        guard let text = try? string(bytes.extracting(range)) else { throw invalidUTF8(bytes, range) }
        return text
    }

    func string(_ span: Span<UInt8>) throws(UTF8.ValidationError) -> String {
        String(copying: try UTF8Span(validating: span))
    }

    /// The error for the first byte in `range` that is not part of valid UTF-8:
    /// its line, its 1-based character column on that line, and its value.
    ///
    /// Only called on failure, so it may rescan the bytes from the start to count lines.
    func invalidUTF8(_ bytes: Span<UInt8>, _ range: Range<Int>) -> AnalysisError {
        var offset = range.lowerBound
        do {
            _ = try UTF8Span(validating: bytes.extracting(range))
        } catch {
            offset = range.lowerBound + error.byteOffsets.lowerBound
        }
        // Lines as the scanner counts them: LF, CRLF and bare CR each end one.
        var lineNumber = 1, lineStart = 0, i = 0
        while i < offset {
            let b = bytes[i]
            if b == lineFeed || (b == carriageReturn && (i + 1 >= bytes.count || bytes[i + 1] != lineFeed)) {
                lineNumber += 1
                lineStart = i + 1
            }
            i += 1
        }
        // Characters before it on its line: every byte that does not continue a sequence.
        var column = 1
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        let firstCharacter = lineStart == 0 && hasBOM ? 3 : lineStart
        for k in firstCharacter..<offset where bytes[k] & 0xC0 != 0x80 { column += 1 }
        return .invalidUTF8(file: source, line: lineNumber, column: column, byte: bytes[offset])
    }
}
