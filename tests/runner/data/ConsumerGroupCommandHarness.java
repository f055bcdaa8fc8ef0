// The expected outputs of tests/runner/describe_groups_test.cpp, printed by
// Kafka's own code: shouldPrintMemberState, collectGroupsOffsets (with
// collectConsumerAssignment and describePartitions), printOffsetFormat,
// printOffsets, printMembers and printStates copied from ConsumerGroupCommand
// (apache/kafka trunk at 4.0, tools/src/main/java/org/apache/kafka/tools/
// consumer/group/ConsumerGroupCommand.java; Apache License 2.0), with the admin
// client's answers replaced by the test's groups: DescribeGroups members with
// their assignment as MemberAssignment holds it (a HashSet of a HashSet), the
// committed offsets as a HashMap, ListOffsets as a HashMap built by
// Collectors.toMap, TopicPartition with Kafka's hashCode.
//
// Not part of the build. To print the files again (a JDK 17 or later):
//   cd tests/runner/data && javac -d /tmp/cgch ConsumerGroupCommandHarness.java &&
//   for v in offsets members members_verbose state; do
//     java -cp /tmp/cgch ConsumerGroupCommandHarness $v >describe_groups_$v.out 2>describe_groups_$v.err; done
import java.util.*;
import java.util.function.*;
import java.util.stream.*;

public class ConsumerGroupCommandHarness {
    static final String MISSING_COLUMN_VALUE = "-";
    record TP(String topic, int partition) {
        @Override public int hashCode() { return 31 * (31 + partition) + topic.hashCode(); }
        @Override public boolean equals(Object o) { return o instanceof TP t && t.topic.equals(topic) && t.partition == partition; }
    }
    record Member(String consumerId, String groupInstanceId, String clientId, String host, List<TP> assignment) {
        Set<TP> set() { return new HashSet<>(new HashSet<>(assignment)); }
    }
    record Group(String id, String state, String coordHost, int coordId, String strategy, List<Member> members,
                 Map<TP, Long> committed, Map<TP, Long> logEnd, List<TP> committedOrder) {}
    record PAS(String group, Optional<String> topic, Optional<Integer> partition, Optional<Long> offset, Optional<Long> lag,
               Optional<String> consumerId, Optional<String> host, Optional<String> clientId, Optional<Long> logEndOffset) {}
    record MAS(String group, String consumerId, String host, String clientId, String groupInstanceId, int numPartitions, List<TP> assignment) {}

    static void printError(String msg) { System.out.println("\nError: " + msg); }

    static boolean shouldPrintMemberState(String group, Optional<String> state, Optional<Integer> numRows) {
        if (!numRows.isPresent()) { printError("The consumer group '" + group + "' does not exist."); return false; }
        int num = numRows.get();
        String state0 = state.orElse("Unknown");
        switch (state0) {
            case "Dead": printError("Consumer group '" + group + "' does not exist."); break;
            case "Empty": System.err.println("\nConsumer group '" + group + "' has no active members."); break;
            case "PreparingRebalance": case "CompletingRebalance":
                System.err.println("\nWarning: Consumer group '" + group + "' is rebalancing."); break;
            case "Stable": break;
            default: throw new RuntimeException(state0);
        }
        return !state0.equals("Dead") && num > 0;
    }
    static Optional<Long> getLag(Optional<Long> offset, Optional<Long> logEndOffset) {
        return offset.filter(o -> o != -1).flatMap(offset0 -> logEndOffset.map(end -> end - offset0));
    }
    static Collection<PAS> collectConsumerAssignment(Group g, Collection<TP> tps, Optional<String> cid, Optional<String> host, Optional<String> client) {
        List<TP> sorted = tps.stream().sorted(Comparator.comparingInt(TP::partition)).collect(Collectors.toList());
        Map<TP, Optional<Long>> ends = sorted.stream().collect(Collectors.toMap(Function.identity(), tp -> Optional.ofNullable(g.logEnd.get(tp))));
        return ends.entrySet().stream().map(e -> {
            Optional<Long> offset = Optional.ofNullable(g.committed.get(e.getKey()));
            return new PAS(g.id, Optional.of(e.getKey().topic()), Optional.of(e.getKey().partition()), offset, getLag(offset, e.getValue()), cid, host, client, e.getValue());
        }).collect(Collectors.toList());
    }
    static Map.Entry<Optional<String>, Optional<Collection<PAS>>> collectOffsets(Group g) {
        Map<TP, Long> committedOffsets = new HashMap<>();
        for (TP tp : g.committedOrder) committedOffsets.put(tp, g.committed.get(tp));
        List<TP> assigned = new ArrayList<>();
        Comparator<Member> comparator = Comparator.<Member>comparingInt(m -> m.set().size()).reversed();
        List<PAS> rows = new ArrayList<>();
        g.members.stream().filter(m -> !m.set().isEmpty()).sorted(comparator).forEach(m -> {
            Set<TP> tps = m.set();
            assigned.addAll(tps);
            rows.addAll(collectConsumerAssignment(g, tps, Optional.of(m.consumerId), Optional.of(m.host), Optional.of(m.clientId)));
        });
        Map<TP, Long> unassigned = new HashMap<>();
        committedOffsets.entrySet().stream().filter(e -> !assigned.contains(e.getKey())).forEach(e -> unassigned.put(e.getKey(), e.getValue()));
        if (!unassigned.isEmpty())
            rows.addAll(collectConsumerAssignment(g, unassigned.keySet(), Optional.of("-"), Optional.of("-"), Optional.of("-")));
        return new AbstractMap.SimpleImmutableEntry<>(Optional.of(g.state), Optional.of(rows));
    }
    static String printOffsetFormat(Optional<Collection<PAS>> assignments) {
        int maxGroupLen = 15, maxTopicLen = 15, maxConsumerIdLen = 15, maxHostLen = 15;
        if (assignments.isPresent()) {
            for (PAS a : assignments.get()) {
                maxGroupLen = Math.max(maxGroupLen, a.group.length());
                maxTopicLen = Math.max(maxTopicLen, a.topic.orElse(MISSING_COLUMN_VALUE).length());
                maxConsumerIdLen = Math.max(maxConsumerIdLen, a.consumerId.orElse(MISSING_COLUMN_VALUE).length());
                maxHostLen = Math.max(maxHostLen, a.host.orElse(MISSING_COLUMN_VALUE).length());
            }
        }
        return "\n%" + (-maxGroupLen) + "s %" + (-maxTopicLen) + "s %-10s %-15s %-15s %-15s %" + (-maxConsumerIdLen) + "s %" + (-maxHostLen) + "s %s";
    }
    static void printOffsets(TreeMap<String, Map.Entry<Optional<String>, Optional<Collection<PAS>>>> offsets) {
        offsets.forEach((groupId, tuple) -> {
            Optional<String> state = tuple.getKey();
            Optional<Collection<PAS>> assignments = tuple.getValue();
            if (shouldPrintMemberState(groupId, state, assignments.map(Collection::size))) {
                String format = printOffsetFormat(assignments);
                System.out.printf(format, "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
                if (assignments.isPresent()) {
                    for (PAS c : assignments.get()) {
                        System.out.printf(format, c.group, c.topic.orElse(MISSING_COLUMN_VALUE), c.partition.map(Object::toString).orElse(MISSING_COLUMN_VALUE),
                            c.offset.map(Object::toString).orElse(MISSING_COLUMN_VALUE), c.logEndOffset.map(Object::toString).orElse(MISSING_COLUMN_VALUE),
                            c.lag.map(Object::toString).orElse(MISSING_COLUMN_VALUE), c.consumerId.orElse(MISSING_COLUMN_VALUE),
                            c.host.orElse(MISSING_COLUMN_VALUE), c.clientId.orElse(MISSING_COLUMN_VALUE));
                    }
                    System.out.println();
                }
            }
        });
    }
    static void printMembers(TreeMap<String, Map.Entry<Optional<String>, Optional<Collection<MAS>>>> members, boolean verbose) {
        members.forEach((groupId, tuple) -> {
            Optional<String> state = tuple.getKey();
            Optional<Collection<MAS>> assignments = tuple.getValue();
            int maxGroupLen = 15, maxConsumerIdLen = 15, maxGroupInstanceIdLen = 17, maxHostLen = 15, maxClientIdLen = 15;
            boolean includeGroupInstanceId = false;
            if (shouldPrintMemberState(groupId, state, assignments.map(Collection::size))) {
                if (assignments.isPresent()) {
                    for (MAS m : assignments.get()) {
                        maxGroupLen = Math.max(maxGroupLen, m.group.length());
                        maxConsumerIdLen = Math.max(maxConsumerIdLen, m.consumerId.length());
                        maxGroupInstanceIdLen = Math.max(maxGroupInstanceIdLen, m.groupInstanceId.length());
                        maxHostLen = Math.max(maxHostLen, m.host.length());
                        maxClientIdLen = Math.max(maxClientIdLen, m.clientId.length());
                        includeGroupInstanceId = includeGroupInstanceId || !m.groupInstanceId.isEmpty();
                    }
                }
            }
            String format0 = "%" + -maxGroupLen + "s %" + -maxConsumerIdLen + "s %" + -maxGroupInstanceIdLen + "s %" + -maxHostLen + "s %" + -maxClientIdLen + "s %-15s ";
            String format1 = "%" + -maxGroupLen + "s %" + -maxConsumerIdLen + "s %" + -maxHostLen + "s %" + -maxClientIdLen + "s %-15s ";
            if (includeGroupInstanceId) System.out.printf("\n" + format0, "GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS");
            else System.out.printf("\n" + format1, "GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS");
            if (verbose) System.out.printf("%s", "ASSIGNMENT");
            System.out.println();
            if (assignments.isPresent()) {
                for (MAS m : assignments.get()) {
                    if (includeGroupInstanceId) System.out.printf(format0, m.group, m.consumerId, m.groupInstanceId, m.host, m.clientId, m.numPartitions);
                    else System.out.printf(format1, m.group, m.consumerId, m.host, m.clientId, m.numPartitions);
                    if (verbose) {
                        String partitions;
                        if (m.assignment.isEmpty()) partitions = MISSING_COLUMN_VALUE;
                        else {
                            Map<String, List<TP>> grouped = new HashMap<>();
                            m.assignment.forEach(tp -> grouped.computeIfAbsent(tp.topic(), key -> new ArrayList<>()).add(tp));
                            partitions = grouped.values().stream().map(tps -> tps.stream().map(TP::partition).map(Object::toString).sorted().collect(Collectors.joining(",", "(", ")"))).sorted().collect(Collectors.joining(", "));
                        }
                        System.out.printf("%s", partitions);
                    }
                    System.out.println();
                }
            }
        });
    }
    static void printStates(TreeMap<String, Group> states) {
        states.forEach((groupId, state) -> {
            if (shouldPrintMemberState(groupId, Optional.of(state.state), Optional.of(1))) {
                String coordinator = state.coordHost + "  (" + state.coordId + ")";
                int coordinatorColLen = Math.max(25, coordinator.length());
                String format = "\n%" + -coordinatorColLen + "s %-25s %-20s %-15s %s";
                System.out.printf(format, "GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS");
                System.out.printf(format, state.id, coordinator, state.strategy, state.state, state.members.size());
                System.out.println();
            }
        });
    }
    static TP tp(String t, int p) { return new TP(t, p); }
    static Group group(String id, String state, String strategy, List<Member> members, Object[][] parts) {
        Map<TP, Long> committed = new HashMap<>(), logEnd = new HashMap<>();
        List<TP> order = new ArrayList<>();
        for (Object[] p : parts) {
            TP t = tp((String) p[0], (Integer) p[1]);
            if (p[2] != null) { committed.put(t, ((Integer) p[2]).longValue()); order.add(t); }
            if (p[3] != null) logEnd.put(t, ((Integer) p[3]).longValue());
        }
        return new Group(id, state, "10.0.0.2:9092", 2, strategy, members, committed, logEnd, order);
    }
    public static void main(String[] args) {
        List<TP> clicks = new ArrayList<>();
        for (int p = 0; p < 12; p++) clicks.add(tp("clicks", p));
        List<Group> groups = List.of(
            group("billing", "Stable", "range", List.of(
                new Member("billing-0-1", "", "billing-0", "/10.1.0.1", List.of(tp("orders", 3))),
                new Member("billing-1-2-with-a-long-member-id", "", "billing-1", "/10.1.0.2", List.of(tp("orders", 0), tp("orders", 1), tp("orders", 2))),
                new Member("billing-2-3", "", "billing-2", "/10.1.0.3", List.of())),
                new Object[][] {{"orders", 0, 10, 15}, {"orders", 1, null, 7}, {"orders", 2, 3, null}, {"orders", 3, 4, 4},
                                {"orders", 4, 8, 9}, {"events", 0, 1, 2}}),
            group("clicks-readers", "Stable", "cooperative-sticky", List.of(
                new Member("c-1", "", "c-a", "/10.3.0.1", List.of(tp("clicks-long-topic-name", 0))),
                new Member("c-2", "", "c-b", "/10.3.0.2", clicks)),
                new Object[][] {{"clicks-long-topic-name", 0, 0, 0}, {"clicks", 0, 1, 1}, {"clicks", 1, 1, 1}, {"clicks", 2, 1, 1},
                                {"clicks", 3, 1, 1}, {"clicks", 4, 1, 1}, {"clicks", 5, 1, 1}, {"clicks", 6, 1, 1}, {"clicks", 7, 1, 1},
                                {"clicks", 8, 1, 1}, {"clicks", 9, 1, 1}, {"clicks", 10, 1, 1}, {"clicks", 11, 1, 1}}),
            group("idle", "Empty", "", List.of(), new Object[][] {{"orders", 0, 5, 9}}),
            group("fresh", "Empty", "", List.of(), new Object[][] {}),
            group("ghost", "Dead", "", List.of(), new Object[][] {}),
            group("moving", "PreparingRebalance", "", List.of(new Member("moving-0-9", "", "moving-0", "/10.4.0.1", List.of())),
                new Object[][] {{"orders", 1, 2, 3}}),
            group("static-group-with-a-long-name", "Stable", "range", List.of(
                new Member("app-0-11", "app-0", "static-0", "/10.5.0.1", List.of(tp("orders", 0), tp("events", 1), tp("events", 0), tp("orders", 10), tp("orders", 2))),
                new Member("app-1-12", "", "static-1", "/10.5.0.2", List.of())),
                new Object[][] {})
        );
        String view = args[0];
        if (view.equals("offsets")) {
            TreeMap<String, Map.Entry<Optional<String>, Optional<Collection<PAS>>>> m = new TreeMap<>();
            for (Group g : groups) m.put(g.id, collectOffsets(g));
            printOffsets(m);
        } else if (view.startsWith("members")) {
            TreeMap<String, Map.Entry<Optional<String>, Optional<Collection<MAS>>>> m = new TreeMap<>();
            for (Group g : groups) {
                List<MAS> l = g.members.stream().map(x -> new MAS(g.id, x.consumerId, x.host, x.clientId, x.groupInstanceId, x.set().size(), new ArrayList<>(x.set()))).collect(Collectors.toList());
                m.put(g.id, new AbstractMap.SimpleImmutableEntry<>(Optional.of(g.state), Optional.of(l)));
            }
            printMembers(m, view.equals("members_verbose"));
        } else {
            TreeMap<String, Group> m = new TreeMap<>();
            for (Group g : groups) m.put(g.id, g);
            printStates(m);
        }
    }
}
