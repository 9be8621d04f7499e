//===- TreeSitter.cpp -----------------------------------------------------===//
#include "python/TreeSitter.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mpguard {
namespace python {

static TSSymbol symbol(const TSLanguage *L, const char *Name) {
  TSSymbol S = ts_language_symbol_for_name(L, Name, uint32_t(std::strlen(Name)),
                                           /*is_named=*/true);
  if (S == 0) {
    std::fprintf(stderr, "mpguard: internal error: grammar has no node '%s'\n",
                 Name);
    std::abort();
  }
  return S;
}

static TSFieldId fieldId(const TSLanguage *L, const char *Name) {
  TSFieldId F =
      ts_language_field_id_for_name(L, Name, uint32_t(std::strlen(Name)));
  if (F == 0) {
    std::fprintf(stderr, "mpguard: internal error: grammar has no field '%s'\n",
                 Name);
    std::abort();
  }
  return F;
}

static Syms load() {
  const TSLanguage *L = tree_sitter_python();
  Syms S;
  S.Module = symbol(L, "module");
  S.Block = symbol(L, "block");
  S.Comment = symbol(L, "comment");
  S.ExpressionStatement = symbol(L, "expression_statement");
  S.Assignment = symbol(L, "assignment");
  S.AugmentedAssignment = symbol(L, "augmented_assignment");
  S.ImportStatement = symbol(L, "import_statement");
  S.ImportFromStatement = symbol(L, "import_from_statement");
  S.FutureImportStatement = symbol(L, "future_import_statement");
  S.AliasedImport = symbol(L, "aliased_import");
  S.DottedName = symbol(L, "dotted_name");
  S.WildcardImport = symbol(L, "wildcard_import");
  S.FunctionDefinition = symbol(L, "function_definition");
  S.ClassDefinition = symbol(L, "class_definition");
  S.DecoratedDefinition = symbol(L, "decorated_definition");
  S.Decorator = symbol(L, "decorator");
  S.IfStatement = symbol(L, "if_statement");
  S.ElifClause = symbol(L, "elif_clause");
  S.ElseClause = symbol(L, "else_clause");
  S.ForStatement = symbol(L, "for_statement");
  S.TryStatement = symbol(L, "try_statement");
  S.ExceptClause = symbol(L, "except_clause");
  S.FinallyClause = symbol(L, "finally_clause");
  S.WithStatement = symbol(L, "with_statement");
  S.WithClause = symbol(L, "with_clause");
  S.WithItem = symbol(L, "with_item");
  S.AsPattern = symbol(L, "as_pattern");
  S.AsPatternTarget = symbol(L, "as_pattern_target");
  S.MatchStatement = symbol(L, "match_statement");
  S.CaseClause = symbol(L, "case_clause");
  S.CasePattern = symbol(L, "case_pattern");
  S.ReturnStatement = symbol(L, "return_statement");
  S.RaiseStatement = symbol(L, "raise_statement");
  S.GlobalStatement = symbol(L, "global_statement");
  S.Call = symbol(L, "call");
  S.Attribute = symbol(L, "attribute");
  S.Identifier = symbol(L, "identifier");
  S.String = symbol(L, "string");
  S.ConcatenatedString = symbol(L, "concatenated_string");
  S.StringContent = symbol(L, "string_content");
  S.Interpolation = symbol(L, "interpolation");
  S.Integer = symbol(L, "integer");
  S.Float = symbol(L, "float");
  S.True = symbol(L, "true");
  S.False = symbol(L, "false");
  S.None = symbol(L, "none");
  S.List = symbol(L, "list");
  S.Tuple = symbol(L, "tuple");
  S.Set = symbol(L, "set");
  S.ExpressionList = symbol(L, "expression_list");
  S.ListComprehension = symbol(L, "list_comprehension");
  S.SetComprehension = symbol(L, "set_comprehension");
  S.GeneratorExpression = symbol(L, "generator_expression");
  S.ParenthesizedExpression = symbol(L, "parenthesized_expression");
  S.KeywordArgument = symbol(L, "keyword_argument");
  S.ArgumentList = symbol(L, "argument_list");
  S.ListSplat = symbol(L, "list_splat");
  S.DictionarySplat = symbol(L, "dictionary_splat");
  S.Lambda = symbol(L, "lambda");
  S.ComparisonOperator = symbol(L, "comparison_operator");
  S.NotOperator = symbol(L, "not_operator");
  S.BooleanOperator = symbol(L, "boolean_operator");
  S.PatternList = symbol(L, "pattern_list");
  S.TuplePattern = symbol(L, "tuple_pattern");
  S.ListPattern = symbol(L, "list_pattern");
  S.ListSplatPattern = symbol(L, "list_splat_pattern");
  S.ForInClause = symbol(L, "for_in_clause");
  S.IfClause = symbol(L, "if_clause");
  S.TypedParameter = symbol(L, "typed_parameter");
  S.KeywordSeparator = symbol(L, "keyword_separator");
  S.PositionalSeparator = symbol(L, "positional_separator");
  S.Subscript = symbol(L, "subscript");
  S.NamedExpression = symbol(L, "named_expression");
  S.Await = symbol(L, "await");
  S.FAlias = fieldId(L, "alias");
  S.FName = fieldId(L, "name");
  S.FModuleName = fieldId(L, "module_name");
  S.FDefinition = fieldId(L, "definition");
  S.FSuperclasses = fieldId(L, "superclasses");
  S.FBody = fieldId(L, "body");
  S.FParameters = fieldId(L, "parameters");
  S.FReturnType = fieldId(L, "return_type");
  S.FValue = fieldId(L, "value");
  S.FType = fieldId(L, "type");
  S.FCondition = fieldId(L, "condition");
  S.FConsequence = fieldId(L, "consequence");
  S.FAlternative = fieldId(L, "alternative");
  S.FFunction = fieldId(L, "function");
  S.FArgument = fieldId(L, "argument");
  S.FLeft = fieldId(L, "left");
  S.FRight = fieldId(L, "right");
  S.FOperator = fieldId(L, "operator");
  S.FAttribute = fieldId(L, "attribute");
  S.FObject = fieldId(L, "object");
  S.FSubject = fieldId(L, "subject");
  S.FGuard = fieldId(L, "guard");
  S.FArguments = fieldId(L, "arguments");
  return S;
}

const Syms &syms() {
  static const Syms S = load();
  return S;
}

ParserHandle::ParserHandle() : P(ts_parser_new()) {
  if (!ts_parser_set_language(P, tree_sitter_python())) {
    std::fprintf(stderr, "mpguard: internal error: tree-sitter-python ABI does "
                         "not match the tree-sitter runtime\n");
    std::abort();
  }
}

} // namespace python
} // namespace mpguard
