using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Bench.Day;

/// <summary>
/// What the end of the day must show about the nodes that died: those silent past <c>ForgetAfter</c> (and a sweep) are
/// gone from the node table and, with their checks, from the machine table; those silent for less are still there, dead.
/// </summary>
internal sealed record DayChecks(
    int Died,
    int ForgetDue,
    int ForgetDueGone,
    int ForgetDueStillPresent,
    int HostsDueGone,
    int HostsDueStillPresent,
    int NotYetDue,
    int NotYetDueDead,
    int NotYetDueMissingOrNotDead,
    IReadOnlyList<string> Evidence)
{
    public static DayChecks Finish(FleetStore store, FleetOptions options, SimulatedFleet fleet, TimeSpan elapsed, TimeSpan step)
    {
        // A node is forgotten by the first sweep after its silence passes ForgetAfter; sweeps run once a step here.
        var margin = step + options.SweepInterval;
        int due = 0, dueGone = 0, dueStill = 0, hostsGone = 0, hostsStill = 0, notDue = 0, notDueDead = 0, notDueWrong = 0;
        var evidence = new List<string>();
        var dead = fleet.Dead.ToList();
        foreach (var node in dead)
        {
            var silence = elapsed - node.LastSent;
            var present = store.Nodes.TryGetValue(new NodeKey(node.Identity, "server"), out var seen);
            if (silence > options.ForgetAfter + margin)
            {
                due++;
                if (present)
                {
                    dueStill++;
                    Note(evidence, $"{node.Identity} silent for {silence} (ForgetAfter {options.ForgetAfter}) is still in the view as {seen!.State}");
                }
                else
                {
                    dueGone++;
                }

                if (node.HasCheck && elapsed - node.LastCheck > options.ForgetAfter + margin)
                {
                    if (store.Machines.ContainsKey(node.Identity))
                    {
                        hostsStill++;
                        Note(evidence, $"{node.Identity}: its check silent for {elapsed - node.LastCheck} is still in the machine table");
                    }
                    else
                    {
                        hostsGone++;
                    }
                }
            }
            else if (silence < options.ForgetAfter - margin && silence > TimeSpan.FromHours(3))
            {
                // Past any dead threshold (150 min at most, for hourly alives) and not yet due to be forgotten.
                notDue++;
                if (present && seen!.State == NodeState.Dead)
                {
                    notDueDead++;
                }
                else
                {
                    notDueWrong++;
                    Note(evidence, $"{node.Identity} silent for {silence} should be in the view, dead; it is {(present ? seen!.State.ToString() : "gone")}");
                }
            }
        }

        return new DayChecks(dead.Count, due, dueGone, dueStill, hostsGone, hostsStill, notDue, notDueDead, notDueWrong, evidence);
    }

    private static void Note(List<string> evidence, string line)
    {
        if (evidence.Count < 20)
        {
            evidence.Add(line);
        }
    }
}
