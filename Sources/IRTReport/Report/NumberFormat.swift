import Foundation

/// Short, human-readable numbers for the page, the CSVs' labels and the
/// terminal summary (never `0.30000000000000004`): IRTKit's one number formatter.
///
/// The page uses the typographic minus (U+2212); the terminal passes
/// `ascii: true` for a plain `-` that shells and `grep` expect.
public enum NumberFormat {
    /// `x` rounded to `digits` significant digits, trailing zeros dropped;
    /// plain notation for magnitudes in [1e-4, 1e6), `1.2e-5` style outside.
    ///
    /// `0.30000000000000004` → `0.3`, `3.14159` → `3.14`, `-0.0` → `0`; the integer part is never
    /// rounded away (`1234.6` → `1235`), and a minus sign is the typographic `−`.
    public static func significant(_ x: Double, digits: Int = 3, ascii: Bool = false) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "∞" : "−∞") }
        if x == 0 { return "0" }
        let digits = max(1, digits)
        let magnitude = Int(Foundation.floor(Foundation.log10(Swift.abs(x))))
        if magnitude < -4 || magnitude >= 6 {
            let s = cFormat("%.\(digits - 1)e", x)
            // "1.20e-05" → "1.2e-5"
            guard let e = s.firstIndex(of: "e") else { return s }
            let mantissa = trimZeros(String(s[..<e]))
            var exponent = String(s[s.index(after: e)...])
            let negative = exponent.hasPrefix("-")
            exponent = String(exponent.drop { $0 == "+" || $0 == "-" }.drop { $0 == "0" })
            return minusSign(mantissa + "e" + (negative ? "-" : "") + (exponent.isEmpty ? "0" : exponent), ascii)
        }
        let decimals = max(0, digits - 1 - magnitude)
        let s = plain(x, decimals: decimals, trimmingZeros: true)
        return s == "-0" ? "0" : minusSign(s, ascii)
    }

    /// `x` in plain notation with `decimals` decimals, like `%.Nf`; by integer
    /// arithmetic when `|x| · 10^decimals` is an exact-enough integer (< 2⁵²),
    /// the C formatter otherwise. (The page prints thousands of numbers and
    /// `vsnprintf` through `withVaList` costs several thousand instructions each.)
    /// With `trimmingZeros`, trailing zeros of the decimals are dropped, and the
    /// point with them when none is left (`2.50` → `2.5`, `3.00` → `3`).
    static func plain(_ x: Double, decimals: Int, trimmingZeros: Bool = false) -> String {
        let scale = powersOfTen[min(decimals, powersOfTen.count - 1)]
        let scaled = (Swift.abs(x) * scale).rounded()
        guard decimals < powersOfTen.count, scaled < 0x1p52 else {
            let s = cFormat("%.\(decimals)f", x)
            return trimmingZeros ? trimZeros(s) : s
        }
        let units = UInt64(scaled)
        // Right to left into one buffer: at most 16 digits (units < 2⁵²), a point and a sign.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            var start = buffer.count, rest = units
            if decimals > 0 {
                for _ in 0..<decimals {
                    start -= 1
                    buffer[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                start -= 1
                buffer[start] = UInt8(ascii: ".")
            }
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            if x < 0 && units != 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            var end = buffer.count
            if trimmingZeros && decimals > 0 {
                while buffer[end - 1] == UInt8(ascii: "0") { end -= 1 }
                if buffer[end - 1] == UInt8(ascii: ".") { end -= 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
        }
    }

    private static let powersOfTen: [Double] = (0...15).map { Foundation.pow(10, Double($0)) }

    /// `x` with exactly `decimals` decimals (for table columns that should line up).
    public static func fixed(_ x: Double, decimals: Int, ascii: Bool = false) -> String {
        guard x.isFinite else { return significant(x) }
        // Bounded width: beyond ``fixedLimit`` a number is written in scientific
        // notation (1e300 would otherwise print 301 digits).
        if Swift.abs(x) >= fixedLimit { return significant(x, digits: 4, ascii: ascii) }
        let s = plain(x, decimals: max(0, decimals))
        let zero = Double(s) == 0
        return zero ? String(s.drop { $0 == "-" }) : minusSign(s, ascii)
    }

    /// The magnitude from which ``fixed(_:decimals:ascii:)`` writes 4 significant digits in
    /// scientific notation instead of fixed decimals, so no number is wider than about 13 characters.
    public static let fixedLimit = 1e9

    /// `x` as a percentage with `digits` significant digits: `0.0234` → `2.34%`.
    public static func percent(_ x: Double, digits: Int = 2, ascii: Bool = false) -> String {
        significant(x * 100, digits: digits, ascii: ascii) + "%"
    }

    /// A ratio as "1484×" when large, "3.2×" when small, with at most four
    /// digits: from 10⁴ on two significant digits ("12000×"), and from
    /// ``ratioCap`` on only the bound ">10⁶×" (`ascii`: ">1e6×") — a ratio that
    /// large says the denominator is at rounding level, and its digits are
    /// noise. An infinite ratio (no measurable noise) reads "∞×", NaN "n/a".
    public static func ratio(_ x: Double, ascii: Bool = false) -> String {
        guard !x.isNaN else { return "n/a" }
        guard x.isFinite else { return x > 0 ? "∞×" : (ascii ? "-∞×" : "−∞×") }
        var shown = x
        if x >= 1e4 {
            let unit = Foundation.pow(10, Foundation.floor(Foundation.log10(x)) - 1)
            shown = (x / unit).rounded() * unit
        }
        if shown >= ratioCap { return ascii ? ">1e6×" : ">10⁶×" }
        if x >= 1e4 { return "\(Int(shown))×" }
        return x >= 100 ? "\(Int(x.rounded()))×" : significant(x, digits: 2, ascii: ascii) + "×"
    }

    /// Ratios at or above this are shown only as a bound (``ratio(_:ascii:)``).
    public static let ratioCap = 1e6

    /// A signal-to-noise ratio for people: ``ratio(_:ascii:)`` of a positive
    /// SNR, "0×" at or below 0 (a score that varies less across the sweep than
    /// across replicates has no signal above noise; the raw negative value is
    /// kept in `result.json` and `snr.csv`).
    public static func signalToNoise(_ snr: Double, ascii: Bool = false) -> String {
        guard !snr.isNaN else { return "n/a" }
        return snr > 0 ? ratio(snr, ascii: ascii) : "0×"
    }

    /// A noise share (noise variance over sweep variance) for people: a
    /// percentage with two significant digits, ">100%" above 1 (the noise
    /// exceeds the sweep's spread: no signal), "<0.0001%" below 10⁻⁶, "n/a" when undefined.
    public static func noiseShare(_ share: Double, ascii: Bool = false) -> String {
        guard share.isFinite, share >= 0 else { return share == .infinity ? ">100%" : "n/a" }
        if share > 1 { return ">100%" }
        if share > 0, share < 1e-6 { return "<0.0001%" }
        return percent(share, digits: 2, ascii: ascii)
    }

    /// A typographic minus (U+2212) for a leading `-`, as in print, unless `ascii`.
    private static func minusSign(_ s: String, _ ascii: Bool = false) -> String {
        !ascii && s.hasPrefix("-") ? "−" + s.dropFirst() : s
    }

    private static func trimZeros(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: ".")) else { return s }
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }
}
