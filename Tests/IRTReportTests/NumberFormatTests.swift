import Foundation
import IRTModel
import Testing
@testable import IRTReport
@testable import IRTCommandLine

@Suite("Number formatting")
struct NumberFormatTests {
    /// The integer-arithmetic fast path prints what C's `%.Nf` prints, except
    /// possibly on an exact tie of the scaled value, where C rounds the binary
    /// value and the fast path rounds half away from zero.
    @Test("plain(x, decimals:) equals vsnprintf's %.Nf", arguments: 0...8)
    func plainMatchesPrintf(_ decimals: Int) {
        var rng = Xoshiro256StarStar(seed: UInt64(100 + decimals))
        var ties = 0
        for i in 0..<4000 {
            let magnitude = Double(i % 12) - 5
            let x = (Double.random(in: -1...1, using: &rng)) * Foundation.pow(10, magnitude)
            let fast = NumberFormat.plain(x, decimals: decimals)
            let c = cFormat("%.\(decimals)f", x)
            if fast != c {
                let scaled = Swift.abs(x) * Foundation.pow(10, Double(decimals))
                let isTie = Swift.abs(scaled - scaled.rounded(.down) - 0.5) < 1e-6
                // C prints "-0.00" for tiny negatives; the fast path drops the sign of a zero.
                let negativeZero = c.hasPrefix("-") && Double(c) == 0 && fast == String(c.dropFirst())
                #expect(isTie || negativeZero, "x = \(x), decimals = \(decimals): \(fast) vs \(c)")
                if !negativeZero { ties += 1 }
            }
        }
        #expect(ties < 40)
    }

    @Test("cFormat handles long output and integers")
    func cFormatBasics() {
        #expect(cFormat("%.3f", 3.14159) == "3.142")
        #expect(cFormat("#%02x%02x%02x", 255, 0, 16) == "#ff0010")
        #expect(cFormat("%.1f", 1e200).count > 200)
        #expect(NumberFormat.plain(-0.004, decimals: 2) == "0.00")
        #expect(NumberFormat.plain(1234.5678, decimals: 2) == "1234.57")
        #expect(NumberFormat.plain(1e300, decimals: 2) == cFormat("%.2f", 1e300))
    }

    @Test("HTML escaping returns clean strings unchanged and escapes all five characters")
    func escaping() {
        #expect(HTMLEscaping.escape("eval/paloma/c4_en/bpb") == "eval/paloma/c4_en/bpb")
        #expect(HTMLEscaping.escape("<a href=\"x\">Tom & Jerry's</a>") == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        #expect(HTMLEscaping.escape("θ₁ <ü>") == "θ₁ &lt;ü&gt;")
    }
}
