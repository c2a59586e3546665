// The Seq language. ../shared/LANGUAGE.md is the contract; this grammar is deliberately permissive
// about what may appear where (any expression may be an argument, a statement or a value) so that
// misuse is reported by the checker in Seq's terms instead of as a parse error.
grammar Seq;

file      : decl* EOF ;
decl      : model | train ;

model     : 'model' name=ID '(' params? ')' ('->' result=type)? '{' stmt* '}' ;
params    : param (',' param)* ','? ;
param     : name=ID ':' type ;
type      : elem=ID? '[' dim (',' dim)* ','? ']' ;
dim       : '?'                                   # unknownDim
          | size                                  # sizeDim
          ;
size      : '-' size                              # negSize
          | size op=('*' | '/') size              # mulSize
          | size op=('+' | '-') size              # addSize
          | fn=ID '(' size ')'                    # callSize
          | '(' size ')'                          # parenSize
          | INT                                   # intSize
          | ID                                    # symSize
          ;

stmt      : 'let' name=ID '=' expr ';'?           # letStmt
          | expr ';'?                             # exprStmt
          ;

train     : 'train' name=ID '{' setting* '}' ;
setting   : key=ID '=' expr ';'? ;

expr      : expr '(' args? ')'                    # callExpr
          | '-' expr                              # negExpr
          | expr op=('*' | '/') expr              # mulExpr
          | expr op=('+' | '-') expr              # addExpr
          | '(' expr ')'                          # parenExpr
          | '(' (expr ',')+ (expr)? ')'           # tupleExpr
          | '[' (expr (',' expr)* ','?)? ']'      # listExpr
          | INT                                   # intExpr
          | FLOAT                                 # floatExpr
          | STRING                                # stringExpr
          | value=('true' | 'false')              # boolExpr
          | ID                                    # nameExpr
          ;
args      : arg (',' arg)* ','? ;
// A lambda is only ever an argument (of Lambda); keeping it out of `expr` keeps parsing linear.
arg       : (name=ID '=')? (lambda | expr) ;
lambda    : var=ID '->' body=expr ;

INT       : [0-9]+ ;
FLOAT     : [0-9]+ '.' [0-9]* EXPONENT? | '.' [0-9]+ EXPONENT? | [0-9]+ EXPONENT ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
ID        : [a-zA-Z_] [a-zA-Z_0-9]* ;
STRING    : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' | '\'' (~['\\\r\n] | '\\' ~[\r\n])* '\'' ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n\f]+ -> skip ;

// Malformed input becomes tokens the front end reports in its own words; the lexer never fails.
UNTERMINATED_STRING  : '"' (~["\\\r\n] | '\\' ~[\r\n])* | '\'' (~['\\\r\n] | '\\' ~[\r\n])* ;
UNTERMINATED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* EOF ;
BAD_CHAR             : . ;
