using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace WorldWeb.Tests.Server;

/// <summary>
/// Which folders of an assembly use which. Read from its compiled metadata: a type uses another when it names it
/// anywhere the compiler keeps (base type, interfaces, fields, signatures, locals, attributes, and every type,
/// method and field token in its method bodies, closures and state machines included). What the compiler does not
/// keep (a constant's value is copied in, <c>nameof</c> is a string, a <c>cref</c> lives in comments) is read from the
/// sources: a file that names a type of another folder uses that folder. A folder is a namespace under the assembly's
/// root; the root itself (the composition root, Program) is left out.
/// </summary>
internal sealed class FolderLayers
{
    /// <summary>
    /// folder → folder it uses → what makes the use: "UsingType → UsedType" from the metadata (nested types named by the
    /// type they are declared in), "File names UsedType" from the sources where the metadata does not show it.
    /// </summary>
    public Dictionary<string, Dictionary<string, SortedSet<string>>> Uses { get; } = [];

    /// <param name="sourceRoot">The assembly's project folder, whose subfolders are its folders.</param>
    public static FolderLayers Read(string assemblyPath, string rootNamespace, string sourceRoot)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var layers = new FolderLayers();
        var folderOfName = new Dictionary<string, string?>(StringComparer.Ordinal);  // null: declared in two folders
        foreach (var handle in reader.TypeDefinitions)
        {
            if (FolderOf(reader, handle, rootNamespace) is not { } from) continue;
            var type = reader.GetTypeDefinition(handle);
            string name = reader.GetString(type.Name).Split('`')[0];
            if (!type.IsNested && !name.StartsWith('<'))
            {
                folderOfName[name] = folderOfName.TryGetValue(name, out var other) && other != from ? null : from;
            }
            var names = new Names(pe, reader);
            names.Type(handle);
            foreach (var used in names.Found)
            {
                if (FolderOf(reader, used, rootNamespace) is { } to && to != from)
                {
                    layers.Why(from, to).Add($"{NameOf(reader, handle)} → {NameOf(reader, used)}");
                }
            }
        }
        foreach (string file in Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(sourceRoot, file);
            string from = relative.Split(Path.DirectorySeparatorChar)[0];
            if (from is "bin" or "obj" || !relative.Contains(Path.DirectorySeparatorChar)) continue;
            foreach (string word in Words(File.ReadAllText(file)))
            {
                if (folderOfName.GetValueOrDefault(word) is not { } to || to == from) continue;
                SortedSet<string> why = layers.Why(from, to);
                if (!why.Any(known => known.EndsWith($" {word}", StringComparison.Ordinal)))  // the metadata shows it already
                {
                    why.Add($"{Path.GetFileNameWithoutExtension(file)} names {word}");
                }
            }
        }
        return layers;
    }

    private SortedSet<string> Why(string from, string to)
    {
        var edges = Uses.TryGetValue(from, out var e) ? e : Uses[from] = [];
        return edges.TryGetValue(to, out var why) ? why : edges[to] = [];
    }

    /// <summary>Every word of a file's code and <c>cref</c>s that may name a type (comments and string literals left out).</summary>
    private static IEnumerable<string> Words(string source)
    {
        string crefs = string.Join(" ", Regex.Matches(source, "cref=\"([^\"]*)\"").Select(m => m.Groups[1].Value));
        string code = Regex.Replace(source, @"/\*.*?\*/|//[^\n]*|@?\$?""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)'", " ", RegexOptions.Singleline);
        return Regex.Matches(code + " " + crefs, @"\b[A-Z]\w*\b").Select(m => m.Value).Distinct();
    }

    /// <summary>The groups of two or more folders that reach each other (Tarjan's strongly connected components).</summary>
    public List<List<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<List<string>>();
        void Visit(string folder)
        {
            index[folder] = low[folder] = index.Count;
            stack.Push(folder);
            foreach (var next in Uses.GetValueOrDefault(folder)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(next)) { Visit(next); low[folder] = Math.Min(low[folder], low[next]); }
                else if (stack.Contains(next)) low[folder] = Math.Min(low[folder], index[next]);
            }
            if (low[folder] != index[folder]) return;
            var group = new List<string>();
            string member;
            do { member = stack.Pop(); group.Add(member); } while (member != folder);
            if (group.Count > 1) cycles.Add([.. group.Order()]);
        }
        foreach (var folder in Uses.Keys.Order()) if (!index.ContainsKey(folder)) Visit(folder);
        return cycles;
    }

    private static string? FolderOf(MetadataReader reader, TypeDefinitionHandle handle, string root)
    {
        var type = reader.GetTypeDefinition(handle);
        while (type.IsNested) type = reader.GetTypeDefinition(type.GetDeclaringType());
        string ns = reader.GetString(type.Namespace);
        return ns.StartsWith(root + ".", StringComparison.Ordinal) ? ns[(root.Length + 1)..].Split('.')[0] : null;
    }

    private static string NameOf(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        while (type.IsNested) type = reader.GetTypeDefinition(type.GetDeclaringType());
        return reader.GetString(type.Name);
    }

    /// <summary>Collects every type definition one type names.</summary>
    private sealed class Names(PEReader pe, MetadataReader reader) : ISignatureTypeProvider<object?, object?>
    {
        private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(op => op.Value, op => op.OperandType);

        public HashSet<TypeDefinitionHandle> Found { get; } = [];

        public void Type(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            Entity(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations()) Entity(reader.GetInterfaceImplementation(i).Interface);
            Attributes(type.GetCustomAttributes());
            foreach (var f in type.GetFields())
            {
                var field = reader.GetFieldDefinition(f);
                field.DecodeSignature(this, null);
                Attributes(field.GetCustomAttributes());
            }
            foreach (var p in type.GetProperties()) Attributes(reader.GetPropertyDefinition(p).GetCustomAttributes());
            foreach (var m in type.GetMethods()) Method(reader.GetMethodDefinition(m));
        }

        private void Method(MethodDefinition method)
        {
            method.DecodeSignature(this, null);
            Attributes(method.GetCustomAttributes());
            foreach (var p in method.GetParameters()) Attributes(reader.GetParameter(p).GetCustomAttributes());
            if (method.RelativeVirtualAddress == 0) return;
            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil) reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short code = il.ReadByte();
                if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
                switch (Operands[code])
                {
                    case OperandType.InlineNone: break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                    case OperandType.InlineVar: il.Offset += 2; break;
                    case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                    case OperandType.InlineSwitch: int targets = il.ReadInt32(); il.Offset += 4 * targets; break;
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                        Entity(MetadataTokens.EntityHandle(il.ReadInt32())); break;
                    default: il.Offset += 4; break;  // branch targets, int32, float32, strings, standalone signatures
                }
            }
        }

        private void Attributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes) Entity(reader.GetCustomAttribute(a).Constructor);
        }

        private void Entity(EntityHandle handle)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition: Found.Add((TypeDefinitionHandle)handle); break;
                case HandleKind.TypeSpecification: reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null); break;
                case HandleKind.FieldDefinition: Found.Add(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()); break;
                case HandleKind.MethodDefinition: Found.Add(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()); break;
                case HandleKind.MemberReference: Entity(reader.GetMemberReference((MemberReferenceHandle)handle).Parent); break;
                case HandleKind.MethodSpecification:
                    var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Entity(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
            }
        }

        public object? GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle handle, byte rawTypeKind) { Found.Add(handle); return null; }
        public object? GetTypeFromSpecification(MetadataReader r, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);
        public object? GetTypeFromReference(MetadataReader r, TypeReferenceHandle handle, byte rawTypeKind) => null;
        public object? GetPrimitiveType(PrimitiveTypeCode typeCode) => null;
        public object? GetSZArrayType(object? elementType) => null;
        public object? GetArrayType(object? elementType, ArrayShape shape) => null;
        public object? GetByReferenceType(object? elementType) => null;
        public object? GetPointerType(object? elementType) => null;
        public object? GetPinnedType(object? elementType) => null;
        public object? GetGenericInstantiation(object? genericType, ImmutableArray<object?> typeArguments) => null;
        public object? GetGenericMethodParameter(object? context, int index) => null;
        public object? GetGenericTypeParameter(object? context, int index) => null;
        public object? GetFunctionPointerType(MethodSignature<object?> signature) => null;
        public object? GetModifiedType(object? modifier, object? unmodifiedType, bool isRequired) => null;
    }
}
