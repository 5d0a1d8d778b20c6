import IRTModel

/// View 6: signal-to-noise per factor and for the aggregate, on a log axis.
enum SNRBars {
    /// "1484×" for large ratios, "3.2×" for small ones.
    /// An infinite ratio (replicates that agree exactly: no measurable noise) reads "∞×".
    static func ratio(_ x: Double) -> String { NumberFormat.ratio(x) }

    /// The bar label: "N× (noise = x%)"; "0×, no signal above noise (noise = >100%)"
    /// at or below 0; ">10⁶×" and "<0.0001%" beyond what replicates can measure.
    static func label(_ s: SignalToNoise) -> String {
        let noise = "noise = " + NumberFormat.noiseShare(s.noiseShare)
        return s.snr > 0 ? "\(ratio(s.snr)) (\(noise))" : "0×, no signal above noise (\(noise))"
    }

    /// Where a value is drawn: at most ``NumberFormat/ratioCap`` (an infinite
    /// or rounding-level SNR would otherwise stretch the axis over 30 decades).
    static func drawn(_ x: Double) -> Double { Swift.min(x, NumberFormat.ratioCap) }

    static func name(_ s: SignalToNoise) -> String { s.factor.map { "θ\($0)" } ?? "aggregate" }

    /// The row's tooltip name: "θ2 (arc_easy + piqa + sciq)" or "aggregate".
    static func name(_ s: SignalToNoise, in r: AnalysisResult) -> String {
        s.factor.map { FactorName.titled(r, $0 - 1, maxCharacters: 200) } ?? "aggregate"
    }

    static func title(_ r: AnalysisResult) -> String {
        guard let snr = r.snr else { return "Signal-to-noise: no noise file given" }
        return "Signal-to-noise: aggregate \(label(snr.aggregate)) from \(snr.noiseRuns) noise runs"
    }

    static let caption = """
        How far each score spreads across the sweep compared with how far it moves when only the seed changes. \
        SNR = (var_sweep − var_noise) / var_noise, on a log axis: 10× means the differences between runs are \
        ten times the seed noise; "noise" is the share of the sweep variance that seed noise alone produces. \
        The aggregate is the leaderboard's (its factor weights are in "What the aggregate is made of"). Whiskers \
        show an approximate 95% interval.
        """

    /// The small-sample caveat shown under the chart.
    static func caveat(_ r: AnalysisResult) -> String? {
        guard let snr = r.snr else { return nil }
        var s = "Small sample: var_noise rests on \(snr.noiseRuns) replicate runs. "
        if snr.noiseRuns >= 2 {
            let range = SignalToNoise.sampleVarianceRange(runs: snr.noiseRuns)
            let low = range.lowerBound, high = range.upperBound
            s += "A variance estimated from \(snr.noiseRuns) runs can be \(NumberFormat.fixed(1 / high, decimals: 1))×–"
                + "\(NumberFormat.fixed(1 / low, decimals: 1))× its true value (95%), so each SNR is uncertain by that factor "
                + "(the whiskers); read the order of magnitude, not the digits."
        }
        let missing = r.tasksMissingFromNoise.count
        if missing > 0 {
            s += " \(missing) \(missing == 1 ? "task is" : "tasks are") missing from the noise file and count as "
                + "noise-free, so the noise is a lower bound and the SNR an upper bound."
        }
        return s
    }

    static func svg(_ r: AnalysisResult) -> String? {
        guard let snr = r.snr else { return nil }
        let rows = snr.factors + [snr.aggregate]
        let rowHeight = 34.0, labelWidth = 110.0, valueWidth = 250.0
        let width = 1100.0, left = labelWidth, right = width - valueWidth, top = 44.0
        let bottom = top + Double(rows.count) * rowHeight + 10
        let height = bottom + 52
        var c = SVGCanvas(width: width, height: height)

        let candidates = rows.flatMap { s -> [Double] in
            [s.snr, s.interval?.lowerBound, s.interval?.upperBound].compactMap { $0 }.filter { $0 > 0 && !$0.isNaN }.map(drawn)
        }
        let x = LogScale(domain: candidates.min() ?? 1, candidates.max() ?? 10, range: left, right)
        let ticks = x.ticks()
        c.xAxis(ticks: zip(ticks, LogScale.labels(ticks)).map { (x($0), $1) }, y: bottom, x0: left, x1: right,
                title: "signal-to-noise ratio (log scale)", gridTop: top, minor: x.minorTicks().map { x($0) })

        var lx = left
        lx = c.legendItem("factor SNR (colour = factor)", x: lx, y: 18) { c, x, y in c.rect(x, y - 6, 20, 12, fill: Palette.factor(0)) }
        lx = c.legendItem("aggregate SNR", x: lx, y: 18) { c, x, y in c.rect(x, y - 6, 20, 12, fill: Palette.aggregate) }
        c.legendItem("approx. 95% interval", x: lx, y: 18) { c, x, y in
            c.line(x, y, x + 20, y, stroke: Palette.ink, width: 1.5)
            c.line(x, y - 5, x, y + 5, stroke: Palette.ink, width: 1.5)
            c.line(x + 20, y - 5, x + 20, y + 5, stroke: Palette.ink, width: 1.5)
        }

        for (i, s) in rows.enumerated() {
            let isAggregate = s.factor == nil
            let y = top + Double(i) * rowHeight + (isAggregate ? 10 : 0)
            let mid = y + rowHeight / 2
            let colour = s.factor.map { Palette.factor($0 - 1) } ?? Palette.aggregate
            if isAggregate { c.line(8, y - 5, right, y - 5, stroke: "#bbb", dash: "3 3") }
            c.text(name(s), left - 10, mid + 4, anchor: .end, weight: isAggregate ? "700" : nil, className: "legend")
            var tip = "\(name(s, in: r)): SNR = \(NumberFormat.signalToNoise(s.snr))"
                + (s.snr < 0 ? " (no signal above noise; raw \(NumberFormat.significant(s.snr)))" : "")
                + ", noise share = \(NumberFormat.noiseShare(s.noiseShare))"
                + ", var_sweep = \(NumberFormat.significant(s.varSweep)), var_noise = \(NumberFormat.significant(s.varNoise))"
            if let iv = s.interval {
                tip += ", 95% interval [\(NumberFormat.signalToNoise(iv.lowerBound)), \(NumberFormat.signalToNoise(iv.upperBound))]"
            }
            var end = left
            if s.snr > 0 {
                end = x(drawn(s.snr))
                c.rect(left, y + 7, end - left, rowHeight - 14, fill: colour, opacity: isAggregate ? 0.9 : 0.85,
                       title: tip)
            }
            if let iv = s.interval {
                let lo = iv.lowerBound > 0 ? x(drawn(iv.lowerBound)) : left
                let hi = x(drawn(Swift.max(iv.upperBound, x.domain.lower)))
                c.beginGroup(title: tip)
                // A white halo under the whisker keeps it visible over a dark bar.
                for (stroke, w) in [("#fff", 4.0), (Palette.ink, 1.5)] {
                    c.line(lo, mid, hi, mid, stroke: stroke, width: w)
                    if iv.lowerBound > 0 { c.line(lo, mid - 6, lo, mid + 6, stroke: stroke, width: w) }
                    c.line(hi, mid - 6, hi, mid + 6, stroke: stroke, width: w)
                }
                c.endGroup()
                end = Swift.max(end, hi)
            }
            c.text(label(s), end + 10, mid + 4, weight: isAggregate ? "700" : nil, className: "legend", title: tip)
        }
        return c.render(label: title(r))
    }
}
