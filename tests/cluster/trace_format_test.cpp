// docs/trace-format.md against the code: every trace kind the cluster
// declares, each field with its type and an enum's names, and the envelope —
// both ways, so neither the page nor the code can drift alone.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "cluster/cluster.hpp"
#include "core/event_loop.hpp"
#include "core/trace.hpp"
#include "support/trace_format.hpp"

using namespace ks;

namespace {

test::DocField doc_field(const Trace::Field& f) {
    test::DocField d;
    d.type = f.is_flag ? "boolean" : f.names.empty() ? "integer" : "enum";
    for (std::string_view n : f.names)
        if (!n.empty()) d.names.emplace(n);
    return d;
}

void check_fields(const test::DocFields& doc, const test::DocFields& code) {
    std::set<std::string> doc_keys, code_keys;
    for (const auto& [k, f] : doc) doc_keys.insert(k);
    for (const auto& [k, f] : code) code_keys.insert(k);
    CHECK(test::joined(doc_keys) == test::joined(code_keys));
    for (const auto& [key, f] : code) {
        if (!doc.contains(key)) continue;
        INFO("field ", key);
        CHECK(doc.at(key).type == f.type);
        CHECK(test::joined(doc.at(key).names) == test::joined(f.names));
    }
}

// The page as the code would write it: per kind, its fields (up to the
// selector for a kind with variants) and its variants' fields.
test::TraceFormatDoc from_code(const Trace& trace) {
    test::TraceFormatDoc code;
    for (Trace::Kind k = 0; k < trace.kind_count(); ++k) {
        const Trace::Schema& s = trace.schema(k);
        test::DocKind& kind = code.kinds[s.name];
        const auto& cases = s.variants.cases;
        const std::size_t own = cases.empty() ? s.fields.size() : s.variants.selector + 1;
        for (std::size_t i = 0; i < own; ++i) kind.fields[s.fields[i].key] = doc_field(s.fields[i]);
        if (cases.empty()) continue;
        test::DocField& selector = kind.fields[s.fields[s.variants.selector].key];
        selector.type = "enum";
        for (const Trace::Variant& v : cases) {
            selector.names.insert(v.name);
            test::DocFields& fields = kind.variants[v.name];
            for (const Trace::Field& f : v.fields)
                if (!f.key.empty()) fields[f.key] = doc_field(f);
        }
    }
    return code;
}

}  // namespace

TEST_CASE("trace format: docs/trace-format.md documents every kind, field, type and enum name the cluster declares") {
    EventLoop loop;
    Trace trace;
    cluster::ClusterOptions o;
    o.topology = env::Topology::Options::from_network_settings(DistSpec::constant(1), DistSpec::constant(1), 1000);
    const cluster::Cluster c(loop, trace, o);
    REQUIRE(trace.kind_count() >= 3);

    const test::TraceFormatDoc doc = test::read_trace_format_doc();
    const test::TraceFormatDoc code = from_code(trace);

    std::set<std::string> doc_kinds, code_kinds;
    for (const auto& [k, d] : doc.kinds) doc_kinds.insert(k);
    for (const auto& [k, d] : code.kinds) code_kinds.insert(k);
    CHECK(test::joined(doc_kinds) == test::joined(code_kinds));
    for (const auto& [name, kind] : code.kinds) {
        if (!doc.kinds.contains(name)) continue;
        INFO("kind ", name);
        const test::DocKind& d = doc.kinds.at(name);
        check_fields(d.fields, kind.fields);
        std::set<std::string> doc_variants, code_variants;
        for (const auto& [v, f] : d.variants) doc_variants.insert(v);
        for (const auto& [v, f] : kind.variants) code_variants.insert(v);
        CHECK(test::joined(doc_variants) == test::joined(code_variants));
        for (const auto& [v, fields] : kind.variants) {
            if (!d.variants.contains(v)) continue;
            INFO("variant ", v);
            check_fields(d.variants.at(v), fields);
        }
    }

    // The envelope: the keys Trace reserves, with their types.
    const test::DocFields envelope{
        {"t_ns", {"integer", {}}}, {"t_s", {"number", {}}}, {"warmup", {"boolean", {}}}, {"kind", {"string", {}}}};
    check_fields(doc.envelope, envelope);
    CHECK(envelope.size() == Trace::kEnvelope.size());
    for (std::string_view k : Trace::kEnvelope) CHECK(envelope.contains(std::string(k)));
}
