import Testing
@testable import IRTMixture

@Suite struct MixtureObjectiveTests {
    @Test func parsesTheThreeForms() throws {
        #expect(try MixtureObjective(parsing: "aggregate", factors: 3) == .aggregate)
        #expect(try MixtureObjective(parsing: "balanced", factors: 3) == .balanced)
        #expect(try MixtureObjective(parsing: "factor:2", factors: 3) == .factor(2))
    }

    @Test func rejectsAFactorOutsideTheModel() {
        #expect(throws: MixtureError.invalidObjective("factor:4")) { try MixtureObjective(parsing: "factor:4", factors: 3) }
        #expect(throws: MixtureError.invalidObjective("factor:0")) { try MixtureObjective(parsing: "factor:0", factors: 3) }
        #expect(throws: MixtureError.invalidObjective("best")) { try MixtureObjective(parsing: "best", factors: 3) }
    }
}
