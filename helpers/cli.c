/* The readers of a program's command table (cli.h): option parsing, the
 * checks of a command's arguments and options, and the help. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <credring/credring.h>

#include "cli.h"

/* Names and values from argv are shown in messages, at most this long. */
#define SHOWN_ARGUMENT_CHARS 40

static gsize
count_options (const GOptionEntry *options)
{
  gsize n = 0;

  while (options != NULL && options[n].long_name != NULL)
    n++;
  return n;
}

static const GOptionEntry *
find_option (const GOptionEntry *options, const char *long_name)
{
  for (gsize i = 0; i < count_options (options); i++)
    if (g_str_equal (options[i].long_name, long_name))
      return &options[i];
  return NULL;
}

static gboolean
option_given (const GOptionEntry *option)
{
  switch (option->arg)
    {
    case G_OPTION_ARG_NONE:
      return *(gboolean *) option->arg_data;
    case G_OPTION_ARG_STRING:
    case G_OPTION_ARG_FILENAME:
      return *(char **) option->arg_data != NULL;
    default:
      g_return_val_if_reached (FALSE);
    }
}

static const char *const *
choices_of (const CliCommand *command, const char *long_name)
{
  for (const CliChoices *c = command->choices; c != NULL && c->option != NULL; c++)
    if (g_str_equal (c->option, long_name))
      return c->values;
  return NULL;
}

/* A group of copies of @options.  G_OPTION_FLAG_NOALIAS: GOption would
 * otherwise take --GROUP-OPTION (--token-format) for each of them too. */
static GOptionGroup *
option_group (const char *name, const char *title, const GOptionEntry *options)
{
  GOptionGroup *group = g_option_group_new (name, title, title, NULL, NULL);
  gsize n = count_options (options);
  g_autofree GOptionEntry *entries = g_new0 (GOptionEntry, n + 1);

  for (gsize i = 0; i < n; i++)
    {
      entries[i] = options[i];
      entries[i].flags |= G_OPTION_FLAG_NOALIAS;
    }
  g_option_group_add_entries (group, entries);
  return group;
}

static const GOptionEntry *
find_entry (const GOptionEntry *options, const char *long_name, char short_name)
{
  for (gsize i = 0; i < count_options (options); i++)
    if (long_name != NULL ? g_str_equal (options[i].long_name, long_name)
                          : short_name != '\0' && options[i].short_name == short_name)
      return &options[i];
  return NULL;
}

/* The option named @long_name (without "--"), else the one whose short
 * name is @short_name, among the global options and every command's. */
static const GOptionEntry *
program_option (const CliProgram *program, const char *long_name, char short_name)
{
  const GOptionEntry *found = find_entry (program->options, long_name, short_name);

  for (const CliCommand *command = program->commands; found == NULL && command->name != NULL;
       command++)
    found = find_entry (command->options, long_name, short_name);
  return found;
}

/* One word of argv, read as GOption reads it, without changing argv. */
typedef struct {
  gboolean is_option;         /* FALSE: the command or an argument */
  char *typed;                /* the option as typed, without "=VALUE": "--name", "-x" */
  const GOptionEntry *entry;  /* NULL: no option of the program has that name */
  const char *value;          /* "--name=VALUE": VALUE; else NULL */
  gboolean value_missing;     /* it takes a value, and argv ends before one */
} CliWord;

static void
cli_word_clear (CliWord *word)
{
  g_clear_pointer (&word->typed, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliWord, cli_word_clear)

/* Reads argv[*i] into @word, and moves *i past the next word when the
 * option takes it as its value.  Short options may be grouped ("-vf
 * json"): here the last of the group may take the next word (GOption
 * lets any of them take the next words in turn, and then names the option
 * that lacks one itself); @word is the first unknown one of the group,
 * else the last. */
static void
read_word (const CliProgram *program, int argc, char **argv, int *i, CliWord *word)
{
  const char *arg = argv[*i];

  *word = (CliWord){ 0 };
  if (arg[0] != '-' || arg[1] == '\0')
    return;
  word->is_option = TRUE;
  if (arg[1] == '-')
    {
      const char *equals = strchr (arg, '=');

      word->typed = equals != NULL ? g_strndup (arg, equals - arg) : g_strdup (arg);
      word->value = equals != NULL ? equals + 1 : NULL;
      word->entry = program_option (program, word->typed + 2, '\0');
    }
  else
    for (const char *c = arg + 1; *c != '\0'; c++)
      {
        g_free (word->typed);
        word->typed = g_strdup_printf ("-%c", *c);
        word->entry = program_option (program, NULL, *c);
        if (word->entry == NULL)
          return;
      }
  if (word->entry == NULL || word->entry->arg == G_OPTION_ARG_NONE || word->value != NULL)
    return;
  if (*i + 1 < argc)
    (*i)++;
  else
    word->value_missing = TRUE;
}

/* The command argv names, as cli_find_command() will find it once the
 * options are out of the way; NULL for none. */
static const CliCommand *
command_in_argv (const CliProgram *program, int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      g_auto (CliWord) word = { 0 };

      if (g_str_equal (argv[i], "--"))
        break;
      read_word (program, argc, argv, &i, &word);
      if (!word.is_option)
        return cli_find_command (program, argv[i], NULL);
    }
  return NULL;
}

/* "COMMAND: " before a message about argv, when argv names a command. */
static void
set_usage_error (const CliCommand *command, GError **error, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

static void
set_usage_error (const CliCommand *command, GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s%s%s", command != NULL ? command->name : "",
               command != NULL ? ": " : "", message);
}

/* @command's row of the option named @long_name, or the global one; NULL
 * when it takes no such option. */
static const GOptionEntry *
taken_option (const CliProgram *program, const CliCommand *command, const char *long_name)
{
  const GOptionEntry *own = find_option (command->options, long_name);

  return own != NULL ? own : find_option (program->options, long_name);
}

/* "raw, header or json" */
static char *
alternatives (const char *const *values)
{
  GString *text = g_string_new (NULL);
  guint n = g_strv_length ((char **) values);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ", values[i]);
  return g_string_free (text, FALSE);
}

/* "COMMAND: OPTION is not an option of COMMAND (its options: ...)", for
 * @option as typed ("--name", "-x"), escaped here.  Returns FALSE. */
static gboolean
set_not_an_option (const CliCommand *command, const char *option, GError **error)
{
  g_autoptr (GString) own = g_string_new (NULL);
  g_autofree char *shown = cr_escape_for_message (option, -1, SHOWN_ARGUMENT_CHARS);

  for (gsize j = 0; j < count_options (command->options); j++)
    g_string_append_printf (own, "%s--%s", own->len > 0 ? ", " : "",
                            command->options[j].long_name);
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: %s is not an option of %s (%s%s)",
               command->name, shown, command->name,
               own->len > 0 ? "its options: " : "it has none", own->str);
  return FALSE;
}

/* What GOption would take the wrong way, or say without the command:
 * a flag given a value ("--all=no" would be --all, the opposite of what
 * was typed), an option no command has or one the command does not take
 * (the options it does take are named), a value missing. */
static gboolean
check_words (const CliProgram *program, const CliCommand *command, int argc, char **argv,
             GError **error)
{
  for (int i = 1; i < argc; i++)
    {
      g_auto (CliWord) word = { 0 };
      g_autofree char *shown = NULL;

      if (g_str_equal (argv[i], "--"))
        break; /* GOption's end of options */
      read_word (program, argc, argv, &i, &word);
      if (!word.is_option)
        continue;
      if (command != NULL)
        {
          /* Named by its long name, however it was typed, when it has one. */
          g_autofree char *named = word.entry != NULL
                                     ? g_strconcat ("--", word.entry->long_name, NULL)
                                     : g_strdup (word.typed);

          if (word.entry != NULL)
            word.entry = taken_option (program, command, word.entry->long_name);
          if (word.entry == NULL)
            return set_not_an_option (command, named, error);
        }
      else if (word.entry == NULL)
        continue; /* no command: GOption's message */
      if (word.entry->arg == G_OPTION_ARG_NONE && word.value != NULL)
        {
          shown = cr_escape_for_message (word.value, -1, SHOWN_ARGUMENT_CHARS);
          set_usage_error (command, error, "--%s takes no value (not '%s')",
                           word.entry->long_name, shown);
          return FALSE;
        }
      if (word.value_missing)
        {
          const char *const *values = command != NULL ? choices_of (command,
                                                                    word.entry->long_name) : NULL;
          g_autofree char *taken = values != NULL ? alternatives (values) : NULL;

          set_usage_error (command, error, "--%s needs a value (%s)", word.entry->long_name,
                           taken != NULL                        ? taken
                           : word.entry->arg_description != NULL ? word.entry->arg_description
                                                                 : "VALUE");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
cli_parse (const CliProgram *program, int *argc, char ***argv, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) parse_error = NULL;

  g_return_val_if_fail (program != NULL && argc != NULL && argv != NULL, FALSE);

  if (!check_words (program, command_in_argv (program, *argc, *argv), *argc, *argv, error))
    return FALSE;

  /* GOption's help shows the program's name; under libtool argv[0] is not it. */
  g_set_prgname (program->name);
  /* GOption's own --help would print every option and exit, whatever the command. */
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, program->options, NULL);
  /* One group per command, so that each option is known wherever it is
   * given; which command may have it is cli_check()'s question. */
  for (const CliCommand *command = program->commands; command->name != NULL; command++)
    if (command->options != NULL)
      g_option_context_add_group (context, option_group (command->name, command->summary,
                                                         command->options));
  if (g_option_context_parse (context, argc, argv, &parse_error))
    return TRUE;
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s (see %s --help)", parse_error->message,
               program->name);
  return FALSE;
}

static char *
command_names (const CliProgram *program)
{
  GString *names = g_string_new (NULL);

  for (const CliCommand *command = program->commands; command->name != NULL; command++)
    g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", command->name);
  return g_string_free (names, FALSE);
}

const CliCommand *
cli_find_command (const CliProgram *program, const char *name, GError **error)
{
  g_autofree char *names = NULL;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (program != NULL, NULL);

  for (const CliCommand *command = program->commands; name != NULL && command->name != NULL;
       command++)
    if (g_str_equal (command->name, name))
      return command;

  names = command_names (program);
  if (name == NULL)
    {
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "no command given (commands: %s)", names);
      return NULL;
    }
  shown = cr_escape_for_message (name, -1, SHOWN_ARGUMENT_CHARS);
  g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "unknown command '%s' (commands: %s)", shown,
               names);
  return NULL;
}

/* "token ACCOUNT", "status [ACCOUNT]", "providers" */
static char *
command_with_argument (const CliCommand *command)
{
  if (command->argument == CLI_ARGUMENT_REQUIRED)
    return g_strdup_printf ("%s %s", command->name, command->argument_name);
  if (command->argument == CLI_ARGUMENT_OPTIONAL)
    return g_strdup_printf ("%s [%s]", command->name, command->argument_name);
  return g_strdup (command->name);
}

/* "exec ACCOUNT -- COMMAND [ARGS...]": what the program's help lists. */
static char *
command_with_arguments_and_command_line (const CliCommand *command)
{
  g_autofree char *name = command_with_argument (command);

  if (command->command_line_name == NULL)
    return g_steal_pointer (&name);
  return g_strdup_printf ("%s -- %s", name, command->command_line_name);
}

/* "credring token ACCOUNT [--format raw|header|json] [--min-valid SECONDS] ..." */
static char *
usage_line (const CliProgram *program, const CliCommand *command)
{
  g_autofree char *name = command_with_argument (command);
  GString *line = g_string_new (NULL);

  g_string_append_printf (line, "%s %s", program->name, name);
  for (gsize i = 0; i < count_options (command->options); i++)
    {
      const GOptionEntry *option = &command->options[i];
      const char *const *values = choices_of (command, option->long_name);
      g_autofree char *joined = values ? g_strjoinv ("|", (char **) values) : NULL;

      g_string_append_printf (line, " [--%s", option->long_name);
      if (option->arg != G_OPTION_ARG_NONE)
        g_string_append_printf (line, " %s", joined ? joined : option->arg_description);
      g_string_append_c (line, ']');
    }
  if (command->command_line_name != NULL)
    g_string_append_printf (line, " -- %s", command->command_line_name);
  return g_string_free (line, FALSE);
}

static gboolean
check_arguments (const CliProgram *program, const CliCommand *command, int given,
                 GError **error)
{
  int least = command->argument == CLI_ARGUMENT_REQUIRED ? 1 : 0;
  int most = command->argument == CLI_ARGUMENT_NONE ? 0 : 1;
  g_autofree char *usage = NULL;

  if (given >= least && given <= most)
    return TRUE;
  usage = usage_line (program, command);
  if (given < least)
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: no %s given (usage: %s)",
                 command->name, command->argument_name, usage);
  else
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: too many arguments (usage: %s)",
                 command->name, usage);
  return FALSE;
}

/* An option of another command, given to this one, would be a wish
 * silently ignored: refused, saying which options the command has. */
static gboolean
check_options_taken (const CliProgram *program, const CliCommand *command, GError **error)
{
  for (const CliCommand *other = program->commands; other->name != NULL; other++)
    for (gsize i = 0; i < count_options (other->options); i++)
      {
        const GOptionEntry *option = &other->options[i];
        g_autofree char *typed = NULL;

        if (!option_given (option) || find_option (command->options, option->long_name) != NULL)
          continue;
        typed = g_strconcat ("--", option->long_name, NULL);
        return set_not_an_option (command, typed, error);
      }
  return TRUE;
}

static gboolean
check_choices (const CliCommand *command, GError **error)
{
  for (const CliChoices *c = command->choices; c != NULL && c->option != NULL; c++)
    {
      const GOptionEntry *option = find_option (command->options, c->option);
      const char *value = option != NULL ? *(char **) option->arg_data : NULL;
      g_autofree char *taken = NULL;
      g_autofree char *shown = NULL;

      if (value == NULL || g_strv_contains (c->values, value))
        continue;
      taken = alternatives (c->values);
      shown = cr_escape_for_message (value, -1, SHOWN_ARGUMENT_CHARS);
      g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: --%s takes %s (not '%s')",
                   command->name, c->option, taken, shown);
      return FALSE;
    }
  return TRUE;
}

gboolean
cli_check (const CliProgram *program, const CliCommand *command, int n_arguments,
           GError **error)
{
  g_return_val_if_fail (program != NULL && command != NULL, FALSE);

  if (!check_arguments (program, command, n_arguments, error) ||
      !check_options_taken (program, command, error) || !check_choices (command, error))
    return FALSE;
  if (command->check != NULL && !command->check (error))
    {
      g_prefix_error (error, "%s: ", command->name);
      return FALSE;
    }
  return TRUE;
}

char **
cli_split_command_line (int *argc, char **argv)
{
  g_return_val_if_fail (argc != NULL && argv != NULL, NULL);

  for (int i = 1; i < *argc; i++)
    if (g_str_equal (argv[i], "--"))
      {
        argv[i] = NULL;
        *argc = i;
        return &argv[i + 1];
      }
  return NULL;
}

gboolean
cli_check_command_line (const CliProgram *program, const CliCommand *command,
                        char **command_line, GError **error)
{
  g_autofree char *usage = NULL;
  gboolean given = command_line != NULL && command_line[0] != NULL;

  g_return_val_if_fail (program != NULL && command != NULL, FALSE);

  /* A lone "--" before nothing is harmless for a command that takes none. */
  if ((command->command_line_name != NULL) == given)
    return TRUE;
  usage = usage_line (program, command);
  if (given)
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG,
                 "%s: takes no command after -- (usage: %s)", command->name, usage);
  else
    g_set_error (error, CR_ERROR, CR_ERROR_CONFIG, "%s: no %s given after -- (usage: %s)",
                 command->name, command->command_line_name, usage);
  return FALSE;
}

/* The commands, one line each, aligned. */
static char *
command_list (const CliProgram *program)
{
  GString *list = g_string_new (NULL);
  int width = 0;

  for (int pass = 0; pass < 2; pass++)
    for (const CliCommand *command = program->commands; command->name != NULL; command++)
      {
        g_autofree char *name = command_with_arguments_and_command_line (command);

        if (pass == 0)
          width = MAX (width, (int) strlen (name));
        else
          g_string_append_printf (list, "\n  %-*s  %s", width, name, command->summary);
      }
  return g_string_free (list, FALSE);
}

char *
cli_help (const CliProgram *program, const CliCommand *command)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *list = NULL;

  g_return_val_if_fail (program != NULL, NULL);

  if (command == NULL)
    {
      list = command_list (program);
      summary = g_strdup_printf ("%s\n\nCommands:%s\n\n"
                                 "%s help COMMAND or %s COMMAND --help: its usage and options.",
                                 program->summary, list, program->name, program->name);
      context = g_option_context_new ("COMMAND");
      g_option_context_set_description (context, program->footer);
    }
  else
    {
      g_autofree char *parameters = command_with_arguments_and_command_line (command);
      g_autofree char *title = g_strdup_printf ("Options of %s:", command->name);

      summary = g_strdup (command->description);
      context = g_option_context_new (parameters);
      if (command->options != NULL)
        g_option_context_add_group (context, option_group (command->name, title,
                                                           command->options));
    }
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_group (context, option_group ("global", "Global options:",
                                                     program->options));
  return g_option_context_get_help (context, FALSE, NULL);
}
