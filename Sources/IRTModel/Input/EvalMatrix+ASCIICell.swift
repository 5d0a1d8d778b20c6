extension EvalMatrix {
    /// What an ASCII cell holds, read from its bytes: the same answer as
    /// trimming spaces with Foundation, comparing with the missing tokens and
    /// calling ``cell(_:)``, without building a trimmed or lowercased copy.
    ///
    /// In ASCII, `CharacterSet.whitespaces` is space and tab only, and `String`
    /// equality is byte equality, so the fast path decides exactly as the
    /// general one. Text with any non-ASCII byte (a no-break space, a full-width
    /// digit, a combining mark) is left to the general path.
    ///
    /// - Parameters:
    ///   - text: the cell as written.
    ///   - standardTokens: whether ``standardMissingTokens`` are missing (`NA`, `None`, …),
    ///     as in a file's cells; ``cell(_:)`` alone reads only empty and NaN as missing.
    ///   - extraMissing: a file's extra missing tokens, trimmed (``treatingAsMissing(_:)``).
    /// - Returns: the cell's kind, or `nil` when `text` is not ASCII.
    /// - Complexity: O(length of `text`).
    static func asciiCell(_ text: String, standardTokens: Bool, extraMissing: Set<String> = []) -> CellText? {
        let answer = text.utf8.withContiguousStorageIfAvailable { all -> CellText? in
            for byte in all where byte >= 0x80 { return nil }
            var lower = 0, upper = all.count
            while lower < upper, all[lower] == space || all[lower] == tab { lower += 1 }
            while upper > lower, all[upper - 1] == space || all[upper - 1] == tab { upper -= 1 }
            let bytes = UnsafeBufferPointer(rebasing: all[lower..<upper])
            if standardTokens, isStandardMissingToken(bytes) { return .missing }
            if !extraMissing.isEmpty, extraMissing.contains(String(decoding: bytes, as: UTF8.self)) { return .missing }
            return decimal(bytes) {
                lower == 0 && upper == all.count ? Double(text) : Double(String(decoding: bytes, as: UTF8.self))
            }
        }
        return answer ?? nil
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    /// Whether trimmed ASCII `bytes` spell one of ``standardMissingTokens``.
    private static func isStandardMissingToken(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.isEmpty { return true }
        if bytes.count > 4 { return false }
        for token in standardMissingTokenBytes where token.count == bytes.count {
            if token.elementsEqual(bytes) { return true }
        }
        return false
    }

    private static let standardMissingTokenBytes: [[UInt8]] = standardMissingTokens.map { Array($0.utf8) }

    /// ``cell(_:)``'s grammar on trimmed bytes (ASCII or not: only ASCII digits, signs and
    /// words count); `parse` reads the number once the grammar holds.
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, parse: () -> Double?) -> CellText {
        if bytes.isEmpty { return .missing }
        var i = 0
        if bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-") { i = 1 }
        let word = UnsafeBufferPointer(rebasing: bytes[i...])
        if lowercaseEquals(word, "nan") { return .missing }
        if lowercaseEquals(word, "inf") || lowercaseEquals(word, "infinity") { return .infinite }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        func digits() -> Int {
            let start = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            return i - start
        }
        var mantissaDigits = digits()
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return .notDecimal }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return .notDecimal }
        }
        guard i == bytes.count, let value = parse() else { return .notDecimal }
        return value.isFinite ? .number(value) : .infinite
    }

    /// Whether ASCII `bytes`, lowercased, equal the lowercase ASCII `word`.
    private static func lowercaseEquals(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let letters = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for (b, w) in zip(bytes, letters) {
            let lowered = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
            if lowered != w { return false }
        }
        return true
    }
}
