import IRTModel
import Testing

/// Fewer draws than a 95% quantile needs are said, with the resolution they give.
@Suite("Analysis: minimum draws")
struct FewDrawsTests {
    @Test("One null draw and one rank draw are warned; the defaults and the minimums are not")
    func fewDrawsNameTheResolution() throws {
        let warned = Analysis.drawWarnings(nullDraws: 1, rankDraws: 1)
        #expect(warned.map(\.kind) == [.fewDraws, .fewDraws])
        #expect(warned[0].message.contains("rests on 1 draw(s)") && warned[0].remedies == [.moreNullDraws(500)])
        #expect(warned[1].message.contains("resolved only to 1/1 = 1") && warned[1].remedies == [.moreRankDraws(2000)])
        #expect(Analysis.drawWarnings(nullDraws: 19, rankDraws: 99).count == 2)
        #expect(Analysis.drawWarnings(nullDraws: Analysis.minimumNullDraws, rankDraws: Analysis.minimumRankDraws).isEmpty)
        #expect(Analysis.drawWarnings(nullDraws: 500, rankDraws: 2000).isEmpty)
        #expect(Analysis.drawWarnings(nullDraws: nil, rankDraws: nil).isEmpty)

        // Through an analysis: --draws 1 --rank-draws 1 says both.
        let sweep = try EvalMatrix(csv: AnalysisErrorTests.sweepCSV, source: "sweep.csv")
        var options = AnalysisErrorTests.options(draws: 1)
        options.rankDraws = 1
        let result = try Analysis(sweep: sweep, options: options).run()
        #expect(result.warnings.filter { $0.kind == .fewDraws }.count == 2)
        options = AnalysisErrorTests.options(draws: 20)
        options.rankDraws = 100
        #expect(!(try Analysis(sweep: sweep, options: options).run()).warnings.contains { $0.kind == .fewDraws })
    }
}
