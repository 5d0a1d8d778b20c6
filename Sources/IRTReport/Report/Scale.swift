import Foundation

/// A linear map from a data interval onto a pixel interval, with "nice" ticks
/// (1, 2 or 5 × 10ᵏ apart).
struct LinearScale {
    /// Data interval (lower, upper); `lower < upper`.
    let domain: (lower: Double, upper: Double)
    /// Pixel interval the domain maps to (may be reversed, as for a y axis).
    let range: (from: Double, to: Double)

    /// A scale over `domain`, widened to nice round ends when `nice` is set.
    ///
    /// A degenerate or non-finite domain becomes a unit interval around its value.
    init(domain lower: Double, _ upper: Double, range from: Double, _ to: Double, nice: Bool = true, tickCount: Int = 6) {
        var lo = lower.isFinite ? lower : 0, hi = upper.isFinite ? upper : 1
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 * Swift.max(1, Swift.abs(lo)) {
            let pad = lo == 0 ? 1 : Swift.abs(lo) * 0.1
            lo -= pad; hi += pad
        }
        if nice {
            let step = LinearScale.tickStep(lo, hi, count: tickCount)
            lo = Foundation.floor(lo / step) * step
            hi = Foundation.ceil(hi / step) * step
        }
        domain = (lo, hi)
        range = (from, to)
    }

    /// The pixel position of `x`.
    func callAsFunction(_ x: Double) -> Double {
        range.from + (x - domain.lower) / (domain.upper - domain.lower) * (range.to - range.from)
    }

    /// About `count` round values inside the domain, computed as integer
    /// multiples of the step (so no `0.30000000000000004`).
    func ticks(count: Int = 6) -> [Double] {
        let step = LinearScale.tickStep(domain.lower, domain.upper, count: count)
        let first = Int(Foundation.ceil(domain.lower / step - 1e-9))
        let last = Int(Foundation.floor(domain.upper / step + 1e-9))
        guard first <= last else { return [] }
        return (first...last).map { Double($0) * step }
    }

    /// The d3-style tick step: 1, 2 or 5 × 10ᵏ giving about `count` intervals.
    static func tickStep(_ lo: Double, _ hi: Double, count: Int) -> Double {
        let span = hi - lo
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(Swift.max(1, count))
        let power = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let error = raw / power
        let factor: Double = error >= 7.5 ? 10 : error >= 3.5 ? 5 : error >= 1.5 ? 2 : 1
        return factor * power
    }
}

/// A base-10 logarithmic map from a positive data interval onto pixels; the
/// domain is widened to whole decades and the ticks are the powers of ten.
struct LogScale {
    /// Whole decades: `lower = 10^a`, `upper = 10^b`, `a < b`.
    let domain: (lower: Double, upper: Double)
    let range: (from: Double, to: Double)

    /// A scale covering `[lower, upper]` (both clamped to be positive), widened to powers of ten.
    init(domain lower: Double, _ upper: Double, range from: Double, _ to: Double) {
        let tiny = 1e-12
        var lo = lower.isFinite && lower > tiny ? lower : tiny
        var hi = upper.isFinite && upper > tiny ? upper : lo
        if lo > hi { swap(&lo, &hi) }
        var a = Foundation.floor(Foundation.log10(lo) + 1e-9)
        var b = Foundation.ceil(Foundation.log10(hi) - 1e-9)
        if b <= a { b = a + 1 }
        if !a.isFinite { a = -12 }
        domain = (Foundation.pow(10, a), Foundation.pow(10, b))
        range = (from, to)
    }

    /// The pixel position of `x`; values at or below zero go to the lower end.
    func callAsFunction(_ x: Double) -> Double {
        let lo = Foundation.log10(domain.lower), hi = Foundation.log10(domain.upper)
        let v = x > 0 ? Swift.min(Swift.max(Foundation.log10(x), lo - 0.05), hi + 0.05) : lo
        return range.from + (v - lo) / (hi - lo) * (range.to - range.from)
    }

    /// The powers of ten from the lower to the upper end of the domain.
    func ticks() -> [Double] {
        let a = Int(Foundation.log10(domain.lower).rounded()), b = Int(Foundation.log10(domain.upper).rounded())
        return (a...b).map { LogScale.powerOfTen($0) }
    }

    /// 2…9 × 10ᵏ inside the domain (unlabelled minor grid lines).
    func minorTicks() -> [Double] {
        let a = Int(Foundation.log10(domain.lower).rounded()), b = Int(Foundation.log10(domain.upper).rounded())
        guard a < b else { return [] }
        return (a..<b).flatMap { e in (2...9).map { Double($0) * LogScale.powerOfTen(e) } }
    }

    /// 10^e exactly for the exponents a page shows (`1e-3` is the nearest double to 0.001).
    static func powerOfTen(_ e: Int) -> Double {
        e >= 0 ? (0..<e).reduce(1.0) { acc, _ in acc * 10 } : Double("1e\(e)")!
    }

    /// Labels for power-of-ten ticks, all in one style: plain (`0.001`, `1`,
    /// `1000`) when every tick is between 10⁻³ and 10³, `10ᵉ` otherwise.
    static func labels(_ ticks: [Double]) -> [String] {
        let exponents = ticks.map { Int(Foundation.log10($0).rounded()) }
        let plain = exponents.allSatisfy { (-3...3).contains($0) }
        return zip(ticks, exponents).map { x, e in plain ? NumberFormat.significant(x, digits: 1) : superscript(e) }
    }

    /// `10` with the exponent `e` in superscript digits: `10⁴`, `10⁻³`, `10⁰`.
    static func superscript(_ e: Int) -> String {
        let superscripts: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵",
                                                    "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
        return "10" + String(String(e).map { superscripts[$0] ?? $0 })
    }
}
