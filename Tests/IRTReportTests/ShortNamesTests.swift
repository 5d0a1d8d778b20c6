import Testing
@testable import IRTReport

@Suite("Report: short names for charts")
struct ShortNamesTests {
    @Test("Names that fit are kept as they are, common segments included")
    func fitting() {
        let names = ["eval/paloma/c4_en/bpb", "eval/paloma/ptb/bpb"]
        #expect(ShortNames.labels(names, width: 400, size: 11) == names)
        #expect(ShortNames.labels([], width: 10, size: 11).isEmpty)
        #expect(ShortNames.label("arc", width: 100, size: 12) == "arc")
    }

    @Test("The path segments every name starts with are dropped, shown as …/, when a name does not fit")
    func commonSegments() {
        let names = ["eval/paloma/c4_en/bpb", "eval/paloma/ptb/bpb"]
        // 21 characters at 0.6 × 11 px do not fit 100 px; "…/c4_en/bpb" (11) does.
        #expect(ShortNames.labels(names, width: 100, size: 11, monospace: true) == ["…/c4_en/bpb", "…/ptb/bpb"])
        // A shared start that is not a whole segment stays.
        #expect(ShortNames.droppingCommonSegments(["suite_a/x", "suite_b/x"]) == ["suite_a/x", "suite_b/x"])
        // Never the whole of a name, and not for one name alone.
        #expect(ShortNames.droppingCommonSegments(["a/b/", "a/b/c"]) == ["a/b/", "a/b/c"])
        #expect(ShortNames.droppingCommonSegments(["a/b/c"]) == ["a/b/c"])
    }

    @Test("Long names keep their start and end around a middle …, fit the width and stay distinct")
    func middleEllipsis() {
        let family = String(repeating: "a_really_long_benchmark_family/", count: 3)
        let names = ["lm_eval/\(family)subtask_alpha/acc", "lm_eval/\(family)subtask_beta/acc", "arc/acc",
                     "数学推理/中文阅读理解_ｗｉｄｅ/\(family)acc", "日本語の読解テスト😀🎉/acc"]
        for (width, monospace) in [(120.0, true), (200, false), (260, true), (60, false)] {
            let labels = ShortNames.labels(names, width: width, size: 11, monospace: monospace)
            #expect(labels.count == names.count)
            #expect(Set(labels).count == names.count, "width \(width): \(labels)")
            for (label, name) in zip(labels, names) {
                let measured = monospace ? TextMetrics.monoWidth(label, size: 11) : TextMetrics.width(label, size: 11)
                #expect(measured <= width || label.hasSuffix("#\(names.firstIndex(of: name)! + 1)"),
                        "“\(label)” is \(measured) px, more than \(width)")
                if label != name {
                    #expect(label.contains("…"))
                    // What is kept is the name's own start and end.
                    let parts = label.split(separator: "…", maxSplits: 1, omittingEmptySubsequences: false)
                    #expect(name.hasPrefix(parts[0]) || parts[0].isEmpty)
                    #expect(name.hasSuffix(parts.last ?? ""))
                }
            }
            #expect(labels[2] == "arc/acc")
        }
        // The two subtasks differ at the end, which the default split keeps.
        let pair = ShortNames.labels(Array(names.prefix(2)), width: 150, size: 11, monospace: true)
        #expect(pair[0].hasSuffix("subtask_alpha/acc") && pair[1].hasSuffix("subtask_beta/acc"))
    }

    @Test("Names that differ only where every split cuts are numbered by position")
    func numbered() {
        let names = (0..<3).map { "start_" + String(repeating: "x", count: 30) + "\($0)" + String(repeating: "y", count: 30) + "_end" }
        let labels = ShortNames.labels(names, width: 80, size: 10, monospace: true)
        #expect(labels == labels.enumerated().map { i, l in l.hasSuffix(" #\(i + 1)") ? l : "" })
        #expect(Set(labels).count == 3)
        // Equal names give equal labels (nothing to tell apart).
        let same = ShortNames.labels(["a_very_long_name_indeed", "a_very_long_name_indeed"], width: 50, size: 10, monospace: true)
        #expect(same[0] == same[1] && same[0].contains("…"))
    }

    @Test("Wide characters take a full em; combining marks none")
    func wideCharacters() {
        #expect(TextMetrics.isWide("漢") && TextMetrics.isWide("ｗ") && TextMetrics.isWide("😀") && TextMetrics.isWide("한"))
        #expect(!TextMetrics.isWide("a") && !TextMetrics.isWide("é") && !TextMetrics.isWide("ع"))
        #expect(TextMetrics.monoWidth("漢a", size: 10) == 16)
        #expect(TextMetrics.width("漢漢", size: 10) == 20)
        #expect(TextMetrics.monoWidth("n\u{303}\u{303}", size: 10) == 6)
    }
}
