import Foundation
import IRTModel
import Testing
@testable import IRTReport

/// The card "What the aggregate is made of".
@Suite("Report: what the aggregate is made of")
struct AggregateMakeUpTests {
    @Test("The sample's card: one bar per task, largest share first, the effective tasks and the balanced comparison")
    func sampleCard() throws {
        let w = try #require(sample.aggregateWeights)
        let html = try #require(section(sampleHTML, "makeup"))
        #expect(html.contains("What the aggregate is made of: \(NumberFormat.fixed(w.effectiveTasks, decimals: 1)) effective tasks of \(sample.nTasks)"))
        // One bar (a rect with a tooltip naming the task and its group) per task, in share order.
        let positions = w.tasks.map { html.range(of: "<title>\(HTMLEscaping.escape($0.name)) (group ")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(zip(positions, positions.dropFirst()).allSatisfy { $0! < $1! })
        #expect(html.contains("Spearman ρ = "))
        #expect(sampleHTML.contains("<a href=\"#makeup\">Aggregate make-up</a>"))
        #expect(HTMLReport.summary(sample).contains("effective tasks of \(sample.nTasks)"))
    }

    @Test("Hostile task names are escaped in the card")
    func hostileNames() {
        let html = section(HTMLReport.render(hostile), "makeup") ?? ""
        #expect(!html.isEmpty && !html.contains("<script>"))
        #expect(html.contains(HTMLEscaping.escape(hostileTask)))
    }

    @Test("A result without a make-up (older file, correlation input) has no card and no link")
    func absent() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: ResultJSON.encode(hostile)) as? [String: Any])
        object["aggregate_weights"] = nil
        object["aggregate_definition"] = nil
        let old = try ResultJSON.decoder().decode(AnalysisResult.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.aggregateWeights == nil)
        let html = HTMLReport.render(old)
        #expect(!html.contains("id=\"makeup\"") && !html.contains("#makeup"))
    }
}
