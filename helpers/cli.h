/* A program's commands as one table (git's cmd_struct): the dispatcher,
 * each command's --help and the check of which options a command takes
 * all read the same rows, and none of them is a chain of string compares.
 *
 *   static const GOptionEntry logout_options[] = {
 *     { "all", 0, 0, G_OPTION_ARG_NONE, &opt_all, "Drop the stored secrets too", NULL },
 *     { NULL },
 *   };
 *   static const CliCommand commands[] = {
 *     { .name = "logout", .run = command_logout, .argument = CLI_ARGUMENT_REQUIRED,
 *       .argument_name = "ACCOUNT", .summary = "drop the cached token",
 *       .description = "Drops ACCOUNT's cached token.", .options = logout_options },
 *     { NULL },
 *   };
 *   static const CliProgram program = { "credring", "What it is for.", "Exit status: ...",
 *                                       global_options, commands };
 *
 *   if (!cli_parse (&program, &argc, &argv, &error))   // options anywhere in argv
 *     return fail (error);
 *   command = cli_find_command (&program, argc > 1 ? argv[1] : NULL, &error);
 *   if (command == NULL || !cli_check (&program, command, argc - 2, &error))
 *     return fail (error);   // names the command and what it does take
 *   return command->run (argc > 2 ? argv[2] : NULL);
 *
 * Every error is CR_ERROR_CONFIG (a usage error: exit status 2), one line
 * meant to follow "PROGRAM: ". */
#ifndef CREDRING_CLI_H
#define CREDRING_CLI_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CLI_ARGUMENT_NONE,
  CLI_ARGUMENT_OPTIONAL,
  CLI_ARGUMENT_REQUIRED,
} CliArgument;

/* The only values a string option of a command takes. */
typedef struct {
  const char *option;            /* its long name, without "--" */
  const char *const *values;     /* NULL-terminated */
} CliChoices;

typedef struct {
  const char *name;
  /* @argument: the one positional argument, or NULL when none was given. */
  int (*run) (const char *argument);
  CliArgument argument;
  const char *argument_name;     /* "ACCOUNT"; NULL with CLI_ARGUMENT_NONE */
  const char *summary;           /* one line in the program's help, lower case */
  const char *description;       /* the command's help: sentences */
  /* NULL-terminated, or NULL for none.  Only G_OPTION_ARG_NONE (gboolean)
   * and G_OPTION_ARG_STRING / _FILENAME (char *) options, which start
   * FALSE / NULL: that is how cli_check() sees an option was given.  An
   * option several commands take is a row in each of their arrays with
   * the same name and storage; the description may differ. */
  const GOptionEntry *options;
  const CliChoices *choices;     /* {NULL}-terminated, or NULL */
  /* Rules between the command's options; the message without the
   * command's name, which cli_check() puts before it.  Nullable. */
  gboolean (*check) (GError **error);
  /* "COMMAND [ARGS...]": the command takes a command line, the words after
   * "--" (cli_split_command_line()), which it must be given.  NULL: it
   * takes none, and "--" with words after it is a usage error. */
  const char *command_line_name;
} CliCommand;

typedef struct {
  const char *name;              /* as typed, in help and messages */
  const char *summary;           /* the program's help: what it is for */
  const char *footer;            /* the program's help, last: exit statuses */
  const GOptionEntry *options;   /* global: every command takes them */
  const CliCommand *commands;    /* {NULL}-terminated */
} CliProgram;

/* Parses the global options and every command's, wherever they are in
 * @argv, and leaves argv[0], the command and its arguments.  No --help
 * of GOption's own: the program has its own global "help" option. */
gboolean cli_parse (const CliProgram *program, int *argc, char ***argv, GError **error);

/* Cuts @argv at its first "--": what follows is a command line for
 * another program (`credring exec ACCOUNT -- env`), none of it an option
 * of ours.  Returns the words after "--" (pointing into @argv, which stays
 * the owner; an empty vector when nothing follows it), or NULL when there
 * is no "--"; @argv ends where "--" was, and *@argc says so.  Call it
 * before cli_parse(). */
char **cli_split_command_line (int *argc, char **argv);

/* Whether @command takes the @command_line it was given (NULL: no "--"):
 * one that takes none is given none, one that takes one has a command.
 * The error names the command and its usage. */
gboolean cli_check_command_line (const CliProgram *program, const CliCommand *command,
                                 char **command_line, GError **error);

/* The row named @name; else (@name NULL too) NULL and an error naming the
 * commands there are. */
const CliCommand *cli_find_command (const CliProgram *program, const char *name,
                                    GError **error);

/* Whether @command, given @n_arguments arguments after its name and the
 * options cli_parse() stored, has the arguments it takes, only options of
 * its own (and global ones) and only values it takes, and passes its own
 * check.  The error names the command and says what it does take. */
gboolean cli_check (const CliProgram *program, const CliCommand *command, int n_arguments,
                    GError **error);

/* The program's help (@command NULL: its commands, one line each, the
 * global options and the footer) or @command's (usage, description, its
 * options and the global ones).  Free with g_free(). */
char *cli_help (const CliProgram *program, const CliCommand *command);

G_END_DECLS

#endif /* CREDRING_CLI_H */
