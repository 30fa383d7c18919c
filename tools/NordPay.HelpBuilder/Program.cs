using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

// Writes the module's MAML help from docs/help/<Cmdlet>.md and the cmdlets themselves: names, parameter sets,
// types, positions, pipeline input and aliases come from the assembly; words come from the markdown.
// Fails (exit 1) when a cmdlet lacks a synopsis, a description, two examples or its outputs, or a parameter
// lacks a description, so help cannot fall behind the code; and when an about_ topic is missing or has a line
// wider than a console of 80 columns.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: NordPay.HelpBuilder <module dir> <docs/help dir>");
    return 2;
}
var (moduleDirectory, docs) = (args[0], args[1]);
var assembly = Assembly.LoadFrom(Path.Combine(moduleDirectory, "NordPay.PowerShell.dll"));
var shared = HelpDoc.Parse(Path.Combine(docs, "_CallSettings.md"));
var problems = new List<string>();
var commands = new List<XElement>();
foreach (var type in assembly.GetTypes().Where(t => t.GetCustomAttribute<CmdletAttribute>() != null).OrderBy(t => t.Name))
{
    var cmdlet = type.GetCustomAttribute<CmdletAttribute>()!;
    var name = cmdlet.VerbName + "-" + cmdlet.NounName;
    var path = Path.Combine(docs, name + ".md");
    if (!File.Exists(path))
    {
        problems.Add($"{name}: no {path}");
        continue;
    }
    commands.Add(Maml.Command(name, cmdlet, type, HelpDoc.Parse(path), shared, problems));
}
var topics = AboutTopic.Required.Select(name => AboutTopic.Read(docs, name, problems)).ToList();
if (problems.Count > 0)
{
    foreach (var problem in problems) Console.Error.WriteLine("help: " + problem);
    return 1;
}
var output = Path.Combine(moduleDirectory, "en-US");
Directory.CreateDirectory(output);
new XDocument(new XElement(Maml.Msh + "helpItems", new XAttribute("schema", "maml"), commands))
    .Save(Path.Combine(output, "NordPay.PowerShell.dll-Help.xml"));
foreach (var topic in topics) File.WriteAllLines(Path.Combine(output, topic.Name + ".help.txt"), topic.Lines);
Console.WriteLine($"Help for {commands.Count} cmdlets written to {output}");
return 0;

/// <summary>An about_ topic as Get-Help shows it: docs/help/<name>.help.txt without its test markers.</summary>
internal sealed record AboutTopic(string Name, string[] Lines)
{
    /// <summary>The topics about_NordPay names; the build fails without any of them.</summary>
    public static readonly string[] Required =
    {
        "about_NordPay", "about_NordPay_Csv", "about_NordPay_Batches", "about_NordPay_Policies", "about_NordPay_Keys",
        "about_NordPay_Scheduling", "about_NordPay_Network", "about_NordPay_Errors", "about_NordPay_Sandbox",
    };

    public const int Columns = 80;

    // tests/Pester/ReadmeBlocks.ps1 reads these markers to run a topic's examples; a reader has no use for them.
    private static readonly Regex TestMarker = new(@"^\s*<!--\s*readme-test:.*-->\s*$");

    public static AboutTopic Read(string docs, string name, List<string> problems)
    {
        var path = Path.Combine(docs, name + ".help.txt");
        if (!File.Exists(path))
        {
            problems.Add($"{name}: no {path}");
            return new AboutTopic(name, Array.Empty<string>());
        }
        var source = File.ReadAllLines(path);
        var shown = new List<string>();
        for (var i = 0; i < source.Length; i++)
        {
            if (TestMarker.IsMatch(source[i])) continue;
            if (source[i].Length > Columns) problems.Add($"{path}:{i + 1}: {source[i].Length} columns wide, more than {Columns}");
            shown.Add(source[i]);
        }
        return new AboutTopic(name, shown.ToArray());
    }
}

/// <summary>A help page in markdown: # Name, ## SYNOPSIS, ## DESCRIPTION, ## EXAMPLES (### title, a powershell fence, remarks), ## PARAMETERS (### -Name), ## INPUTS, ## OUTPUTS (### Type), ## NOTES, ## RELATED LINKS.</summary>
internal sealed class HelpDoc
{
    public Dictionary<string, string> Sections { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<(string Title, string Code, string Remarks)> Examples { get; } = new();
    public Dictionary<string, string> Parameters { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<(string Type, string Text)> Inputs { get; } = new();
    public List<(string Type, string Text)> Outputs { get; } = new();

    public static HelpDoc Parse(string path)
    {
        var doc = new HelpDoc();
        string? section = null, sub = null;
        var text = new List<string>();
        void Flush()
        {
            var body = string.Join("\n", text).Trim();
            text.Clear();
            if (section == null) return;
            switch (section)
            {
                case "EXAMPLES" when sub != null:
                    // Text above the fence is left out: it holds the test markers of tests/Pester/ReadmeBlocks.ps1.
                    var code = Regex.Match(body, "```powershell\\n(.*?)\\n```", RegexOptions.Singleline);
                    doc.Examples.Add((sub, code.Groups[1].Value.Trim(), body[(code.Index + code.Length)..].Trim()));
                    break;
                case "PARAMETERS" when sub != null:
                    doc.Parameters[sub.TrimStart('-')] = body;
                    break;
                case "INPUTS" when sub != null:
                    doc.Inputs.Add((sub, body));
                    break;
                case "OUTPUTS" when sub != null:
                    doc.Outputs.Add((sub, body));
                    break;
                case "EXAMPLES" or "PARAMETERS" or "INPUTS" or "OUTPUTS":
                    break;
                default:
                    doc.Sections[section] = body;
                    break;
            }
        }
        var inFence = false;
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) inFence = !inFence;
            if (!inFence && line.StartsWith("## ", StringComparison.Ordinal)) { Flush(); section = line[3..].Trim(); sub = null; continue; }
            if (!inFence && line.StartsWith("### ", StringComparison.Ordinal)) { Flush(); sub = line[4..].Trim(); continue; }
            if (!inFence && line.StartsWith("# ", StringComparison.Ordinal)) continue;
            text.Add(line);
        }
        Flush();
        return doc;
    }
}

internal static class Maml
{
    public static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace M = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace C = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace D = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XElement Command(string name, CmdletAttribute cmdlet, Type type, HelpDoc doc, HelpDoc shared, List<string> problems)
    {
        string Need(string section) =>
            doc.Sections.TryGetValue(section, out var value) && value.Length > 0 ? value : Missing($"{name}: no {section}");
        string Missing(string problem)
        {
            problems.Add(problem);
            return string.Empty;
        }
        if (doc.Examples.Count < 2) problems.Add($"{name}: {doc.Examples.Count} examples, at least 2 are needed");
        if (doc.Outputs.Count == 0) problems.Add($"{name}: no OUTPUTS");

        var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attributes: p.GetCustomAttributes<ParameterAttribute>().ToList()))
            .Where(p => p.Attributes.Count > 0 && !p.Attributes.Any(a => a.DontShow))
            .OrderBy(p => p.Attributes.Min(a => a.Position < 0 ? int.MaxValue : a.Position)).ThenBy(p => p.Property.Name)
            .ToList();
        string Describe(string parameter) =>
            doc.Parameters.TryGetValue(parameter, out var d) && d.Length > 0 ? d
            : shared.Parameters.TryGetValue(parameter, out var s) && s.Length > 0 ? s
            : Missing($"{name}: parameter -{parameter} has no description");
        foreach (var extra in doc.Parameters.Keys.Where(k => parameters.All(p => p.Property.Name != k)))
            problems.Add($"{name}: help describes -{extra}, which the cmdlet does not have");

        // -WhatIf and -Confirm come from SupportsShouldProcess, so they have no property: listed as platyPS lists them.
        var shouldProcess = cmdlet.SupportsShouldProcess
            ? new[]
            {
                ShouldProcessParameter("WhatIf", "Shows what would happen if the cmdlet runs. Nothing that changes anything is sent to NordPay or saved.", "wi"),
                ShouldProcessParameter("Confirm", "Prompts you for confirmation before running the cmdlet.", "cf"),
            }
            : Array.Empty<XElement>();

        var sets = parameters.SelectMany(p => p.Attributes.Select(a => a.ParameterSetName)).Where(s => s != ParameterAttribute.AllParameterSets).Distinct().ToList();
        if (sets.Count == 0) sets.Add(ParameterAttribute.AllParameterSets);
        var syntax = sets.Select(set => new XElement(C + "syntaxItem", new XElement(M + "name", name),
            parameters.Where(p => p.Attributes.Any(a => a.ParameterSetName == set || a.ParameterSetName == ParameterAttribute.AllParameterSets))
                .Select(p => Parameter(p.Property, p.Attributes.First(a => a.ParameterSetName == set || a.ParameterSetName == ParameterAttribute.AllParameterSets), Describe(p.Property.Name))),
            shouldProcess.Select(e => new XElement(e))));

        return new XElement(C + "command",
            new XAttribute(XNamespace.Xmlns + "maml", M), new XAttribute(XNamespace.Xmlns + "command", C), new XAttribute(XNamespace.Xmlns + "dev", D),
            new XElement(C + "details", new XElement(C + "name", name), new XElement(C + "verb", cmdlet.VerbName), new XElement(C + "noun", cmdlet.NounName),
                Paragraphs(Need("SYNOPSIS"))),
            Paragraphs(Need("DESCRIPTION")),
            new XElement(C + "syntax", syntax),
            new XElement(C + "parameters", parameters.Select(p => Parameter(p.Property, p.Attributes[0], Describe(p.Property.Name), withAliases: true)), shouldProcess),
            new XElement(C + "inputTypes", doc.Inputs.Select(i => new XElement(C + "inputType", new XElement(D + "type", new XElement(M + "name", i.Type)), Paragraphs(i.Text)))),
            new XElement(C + "returnValues", doc.Outputs.Select(o => new XElement(C + "returnValue", new XElement(D + "type", new XElement(M + "name", o.Type)), Paragraphs(o.Text)))),
            new XElement(M + "alertSet", new XElement(M + "alert", Paragraphs(doc.Sections.TryGetValue("NOTES", out var notes) ? notes : string.Empty).Elements())),
            new XElement(C + "examples", doc.Examples.Select((e, i) => new XElement(C + "example",
                new XElement(M + "title", $"-------------------------- Example {i + 1}: {e.Title} --------------------------"),
                new XElement(D + "code", e.Code), new XElement(D + "remarks", Paragraphs(e.Remarks).Elements())))),
            new XElement(M + "relatedLinks", (doc.Sections.TryGetValue("RELATED LINKS", out var links) ? links : string.Empty)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().TrimStart('-', ' '))
                .Select(l => new XElement(M + "navigationLink", new XElement(M + "linkText", l), new XElement(M + "uri", l.StartsWith("http", StringComparison.Ordinal) ? l : string.Empty)))));
    }

    private static XElement Parameter(PropertyInfo property, ParameterAttribute attribute, string description, bool withAliases = false)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var pipeline = (attribute.ValueFromPipeline, attribute.ValueFromPipelineByPropertyName) switch
        {
            (true, true) => "True (ByValue, ByPropertyName)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
        var aliases = property.GetCustomAttribute<AliasAttribute>()?.AliasNames ?? (IList<string>)Array.Empty<string>();
        var element = new XElement(C + "parameter",
            new XAttribute("required", attribute.Mandatory.ToString().ToLowerInvariant()),
            new XAttribute("variableLength", type.IsArray.ToString().ToLowerInvariant()),
            new XAttribute("globbing", (property.GetCustomAttribute<SupportsWildcardsAttribute>() != null).ToString().ToLowerInvariant()),
            new XAttribute("pipelineInput", pipeline),
            new XAttribute("position", attribute.Position < 0 ? "named" : attribute.Position.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new XAttribute("aliases", withAliases && aliases.Count > 0 ? string.Join(", ", aliases) : "none"),
            new XElement(M + "name", property.Name),
            Paragraphs(description));
        if (type != typeof(SwitchParameter))
            element.Add(new XElement(C + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", type.IsArray.ToString().ToLowerInvariant()), type.Name));
        element.Add(new XElement(D + "type", new XElement(M + "name", type.FullName)));
        return element;
    }

    private static XElement ShouldProcessParameter(string name, string description, string alias) =>
        new XElement(C + "parameter",
            new XAttribute("required", "false"), new XAttribute("variableLength", "false"), new XAttribute("globbing", "false"),
            new XAttribute("pipelineInput", "False"), new XAttribute("position", "named"), new XAttribute("aliases", alias),
            new XElement(M + "name", name), Paragraphs(description),
            new XElement(D + "type", new XElement(M + "name", typeof(SwitchParameter).FullName)));

    private static XElement Paragraphs(string text) =>
        new XElement(M + "description", text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(p => new XElement(M + "para", Regex.Replace(p.Trim(), "\\s*\\n\\s*", " "))));
}
