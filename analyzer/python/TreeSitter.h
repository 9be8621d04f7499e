//===- TreeSitter.h - tree-sitter-python handles and ids --------*- C++ -*-===//
//
// The only header that includes tree-sitter. Symbol and field ids are looked
// up by name once, so the walk compares integers, and a grammar update that
// renames a node fails loudly at start-up instead of silently matching
// nothing.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_PYTHON_TREESITTER_H
#define MPGUARD_PYTHON_TREESITTER_H

#include <tree_sitter/api.h>

extern "C" const TSLanguage *tree_sitter_python(void);

namespace mpguard {
namespace python {

struct Syms {
  TSSymbol Module;
  TSSymbol Block;
  TSSymbol Comment;
  TSSymbol ExpressionStatement;
  TSSymbol Assignment;
  TSSymbol AugmentedAssignment;
  TSSymbol ImportStatement;
  TSSymbol ImportFromStatement;
  TSSymbol FutureImportStatement;
  TSSymbol AliasedImport;
  TSSymbol DottedName;
  TSSymbol WildcardImport;
  TSSymbol FunctionDefinition;
  TSSymbol ClassDefinition;
  TSSymbol DecoratedDefinition;
  TSSymbol Decorator;
  TSSymbol IfStatement;
  TSSymbol ElifClause;
  TSSymbol ElseClause;
  TSSymbol ForStatement;
  TSSymbol TryStatement;
  TSSymbol ExceptClause;
  TSSymbol FinallyClause;
  TSSymbol WithStatement;
  TSSymbol WithClause;
  TSSymbol WithItem;
  TSSymbol AsPattern;
  TSSymbol AsPatternTarget;
  TSSymbol MatchStatement;
  TSSymbol CaseClause;
  TSSymbol CasePattern;
  TSSymbol ReturnStatement;
  TSSymbol RaiseStatement;
  TSSymbol GlobalStatement;
  TSSymbol Call;
  TSSymbol Attribute;
  TSSymbol Identifier;
  TSSymbol String;
  TSSymbol ConcatenatedString;
  TSSymbol StringContent;
  TSSymbol Interpolation;
  TSSymbol Integer;
  TSSymbol Float;
  TSSymbol True;
  TSSymbol False;
  TSSymbol None;
  TSSymbol List;
  TSSymbol Tuple;
  TSSymbol Set;
  TSSymbol ExpressionList;
  TSSymbol ListComprehension;
  TSSymbol SetComprehension;
  TSSymbol GeneratorExpression;
  TSSymbol ParenthesizedExpression;
  TSSymbol KeywordArgument;
  TSSymbol ArgumentList;
  TSSymbol ListSplat;
  TSSymbol DictionarySplat;
  TSSymbol Lambda;
  TSSymbol ComparisonOperator;
  TSSymbol NotOperator;
  TSSymbol BooleanOperator;
  TSSymbol PatternList;
  TSSymbol TuplePattern;
  TSSymbol ListPattern;
  TSSymbol ListSplatPattern;
  TSSymbol ForInClause;
  TSSymbol IfClause;
  TSSymbol TypedParameter;
  TSSymbol KeywordSeparator;
  TSSymbol PositionalSeparator;
  TSSymbol Subscript;
  TSSymbol NamedExpression;
  TSSymbol Await;
  TSFieldId FAlias;
  TSFieldId FName;
  TSFieldId FModuleName;
  TSFieldId FDefinition;
  TSFieldId FSuperclasses;
  TSFieldId FBody;
  TSFieldId FParameters;
  TSFieldId FReturnType;
  TSFieldId FValue;
  TSFieldId FType;
  TSFieldId FCondition;
  TSFieldId FConsequence;
  TSFieldId FAlternative;
  TSFieldId FFunction;
  TSFieldId FArgument;
  TSFieldId FLeft;
  TSFieldId FRight;
  TSFieldId FOperator;
  TSFieldId FAttribute;
  TSFieldId FObject;
  TSFieldId FSubject;
  TSFieldId FGuard;
  TSFieldId FArguments;
};

/// The ids of the symbols and fields FactBuilder uses.
const Syms &syms();

/// Owning wrappers: a parser per analysis (parsers are not thread-safe).
class ParserHandle {
public:
  ParserHandle();
  ~ParserHandle() { ts_parser_delete(P); }
  ParserHandle(const ParserHandle &) = delete;
  ParserHandle &operator=(const ParserHandle &) = delete;
  TSParser *get() const { return P; }

private:
  TSParser *P;
};

class TreeHandle {
public:
  explicit TreeHandle(TSTree *T) : T(T) {}
  ~TreeHandle() {
    if (T)
      ts_tree_delete(T);
  }
  TSTree *release() {
    TSTree *Out = T;
    T = nullptr;
    return Out;
  }
  TreeHandle(const TreeHandle &) = delete;
  TreeHandle &operator=(const TreeHandle &) = delete;

private:
  TSTree *T;
};

} // namespace python
} // namespace mpguard

#endif
