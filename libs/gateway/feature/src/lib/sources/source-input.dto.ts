import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DomainError } from '@autoglm/shared-errors';
import { SOURCE_KIND_INPUTS, type SourceKindInput } from './source.dto';

/** One request header of a JSON API source: a literal value, or the name of a configured source secret. */
@InputType('SourceHeaderInput')
export class SourceHeaderInput {
  @Field()
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => String, { nullable: true, description: 'A literal value (not for credentials).' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  value?: string;

  @Field(() => String, { nullable: true, description: 'The name of a configured source secret (SOURCE_SECRETS) whose value is sent.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  secretRef?: string;
}

@InputType('JsonApiFieldsInput')
export class JsonApiFieldsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) id?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) title?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) url?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) published?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) content?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) author?: string;
}

@InputType('JsonApiOptionsInput')
export class JsonApiOptionsInput {
  @Field(() => String, { nullable: true, description: 'Dot path to the item list ("data.items"); none when the answer is the list.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  itemsPath?: string;

  @Field(() => JsonApiFieldsInput, { description: 'Dot paths of each field inside an item (a title or a url at least).' })
  @ValidateNested()
  @Type(() => JsonApiFieldsInput)
  fields!: JsonApiFieldsInput;

  @Field(() => [SourceHeaderInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SourceHeaderInput)
  headers?: SourceHeaderInput[];
}

@InputType('WebPageOptionsInput')
export class WebPageOptionsInput {
  @Field({ description: 'Each element matching it is one item (CSS, or XPath 1.0 prefixed "xpath:").' })
  @IsString()
  @MaxLength(2000)
  itemSelector!: string;

  @Field(() => String, { nullable: true, description: 'The item\'s link inside it ("a" by default).' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  linkSelector?: string;

  @Field(() => String, { nullable: true, description: 'The item\'s title inside it (default: the link\'s text).' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  titleSelector?: string;
}

/** The options of a JSON API or of a web-page source (one of them). */
@InputType({ isAbstract: true })
abstract class SourceOptionsInput {
  @Field(() => JsonApiOptionsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => JsonApiOptionsInput)
  jsonApi?: JsonApiOptionsInput;

  @Field(() => WebPageOptionsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => WebPageOptionsInput)
  webPage?: WebPageOptionsInput;
}

/** The definition of a source: its URL, kind and options (GraphQL's form of POST /sources/preview). */
@InputType('SourceDefinitionInput')
export class SourceDefinitionInput extends SourceOptionsInput {
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  url!: string;

  @Field(() => String, { nullable: true, description: 'feed (default) | jsonApi | webPage' })
  @IsOptional()
  @IsIn(SOURCE_KIND_INPUTS)
  kind?: SourceKindInput;
}

/** A new source (GraphQL's form of POST /sources). */
@InputType('SourceInput')
export class SourceInput extends SourceDefinitionInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  title?: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(86400)
  intervalSeconds?: number;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  fullText?: boolean;
}

/** The fields of a source to change (GraphQL's form of PATCH /sources/{id}); options replace the old ones. */
@InputType('SourceUpdateInput')
export class SourceUpdateInput extends SourceOptionsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(300) title?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(60) @Max(86400) intervalSeconds?: number;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(300) category?: string;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() fullText?: boolean;
}

/**
 * GraphQL's typed options in the form REST takes (and the sources service validates): headers as a
 * map whose secrets are {"secretRef": NAME}. Undefined when neither kind's options are given.
 */
export function optionsOfInput(input: { jsonApi?: JsonApiOptionsInput | null; webPage?: WebPageOptionsInput | null }): Record<string, unknown> | undefined {
  if (input.jsonApi && input.webPage) throw DomainError.invalidArgument('options: give jsonApi or webPage options, not both', { field: 'options' });
  if (input.webPage) return { ...definedFields(input.webPage) };
  if (!input.jsonApi) return undefined;
  const { headers, fields, ...rest } = input.jsonApi;
  const headerMap: Record<string, unknown> = {};
  for (const header of headers ?? []) {
    const secret = header.secretRef ?? undefined;
    const value = header.value ?? undefined;
    // Both, or neither, are refused by the sources service with the header's name.
    headerMap[header.name] = secret === undefined ? (value ?? {}) : value === undefined ? { secretRef: secret } : { secretRef: secret, value };
  }
  return { ...definedFields(rest), fields: definedFields(fields ?? {}), headers: headerMap };
}

function definedFields(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));
}
